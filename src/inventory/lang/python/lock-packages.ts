/**
 * The packages of one Python lock file, one record per distribution and
 * version (names compared after PEP 503 normalisation). A package listed in
 * several groups is direct when any listing is direct and dev only when every
 * listing is.
 */
import type { PackageRecord } from '../../analyzer.js';
import { normalizeName } from './name.js';

export class PythonLockPackages {
  private readonly byKey = new Map<string, PackageRecord>();

  add(pkg: PackageRecord): void {
    const key = `${normalizeName(pkg.name)}@${pkg.version}`;
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, pkg);
      return;
    }
    if (seen.indirect === false || pkg.indirect === false) seen.indirect = false;
    else if (seen.indirect !== true || pkg.indirect !== true) delete seen.indirect;
    if (seen.dev && !pkg.dev) delete seen.dev;
  }

  list(): PackageRecord[] {
    return [...this.byKey.values()];
  }
}
