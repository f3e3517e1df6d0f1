/**
 * The packages of one lock file, one record per name and version. Lock files
 * list a package once per install location (npm nests copies, pnpm repeats
 * them per peer set); one record is enough, and it is direct when any copy is
 * direct and dev only when every copy is.
 */
import type { PackageRecord } from '../../analyzer.js';

export class LockPackages {
  private readonly byKey = new Map<string, PackageRecord>();

  add(pkg: PackageRecord): void {
    const key = `${pkg.name}@${pkg.version}`;
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, pkg);
      return;
    }
    if (seen.indirect === false || pkg.indirect === false) seen.indirect = false;
    else if (seen.indirect !== true || pkg.indirect !== true) delete seen.indirect;
    if (seen.dev && !pkg.dev) delete seen.dev;
    if (!seen.licenses && pkg.licenses) seen.licenses = pkg.licenses;
    if (seen.properties?.['npm.optional'] && !pkg.properties?.['npm.optional']) {
      delete seen.properties['npm.optional'];
      if (!Object.keys(seen.properties).length) delete seen.properties;
    }
  }

  list(): PackageRecord[] {
    return [...this.byKey.values()];
  }
}
