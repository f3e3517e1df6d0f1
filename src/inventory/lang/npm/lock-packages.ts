/** npm's lock-file package set: also keeps a license and drops "optional" when any copy is required. */
import { LockPackages } from '../lock-packages.js';

export function npmLockPackages(): LockPackages {
  return new LockPackages({
    mergeMore(seen, pkg) {
      if (!seen.licenses && pkg.licenses) seen.licenses = pkg.licenses;
      if (seen.properties?.['npm.optional'] && !pkg.properties?.['npm.optional']) {
        delete seen.properties['npm.optional'];
        if (!Object.keys(seen.properties).length) delete seen.properties;
      }
    },
  });
}
