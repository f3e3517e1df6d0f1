/**
 * The packages of one lock file, one record per name and version. Lock files
 * list a package once per install location or group (npm nests copies, pnpm
 * repeats them per peer set, Python locks per group); one record is enough,
 * and it is direct when any copy is direct and dev only when every copy is.
 */
import type { PackageRecord } from '../analyzer.js';

export interface LockPackagesOptions {
  /** The name as compared (PEP 503 for Python); default as written. */
  nameKey?: (name: string) => string;
  /** Ecosystem-specific facts to merge when a package is seen again. */
  mergeMore?: (seen: PackageRecord, again: PackageRecord) => void;
}

export class LockPackages {
  private readonly byKey = new Map<string, PackageRecord>();

  constructor(private readonly options: LockPackagesOptions = {}) {}

  add(pkg: PackageRecord): void {
    const key = `${this.options.nameKey ? this.options.nameKey(pkg.name) : pkg.name}@${pkg.version}`;
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, pkg);
      return;
    }
    if (seen.indirect === false || pkg.indirect === false) seen.indirect = false;
    else if (seen.indirect !== true || pkg.indirect !== true) delete seen.indirect;
    if (seen.dev && !pkg.dev) delete seen.dev;
    this.options.mergeMore?.(seen, pkg);
  }

  list(): PackageRecord[] {
    return [...this.byKey.values()];
  }
}
