/**
 * Installed rpm packages from the rpm database, in whichever of its three
 * formats the image uses: sqlite (`rpmdb.sqlite`), Berkeley DB hash
 * (`Packages`) or ndb (`Packages.db`). The format is told by the file's
 * magic bytes, not its name. gpg-pubkey entries (imported signing keys) are
 * not packages and are skipped.
 */
import type { Analyzer, AnalysisResult, Ownership, PackageRecord } from '../../analyzer.js';
import { isBdbHash, readBdbHash } from './bdb.js';
import { isNdb, readNdb } from './ndb.js';
import { packageFromHeader } from './package.js';
import { isSqlite, readRpmSqlite } from './sqlite.js';

const DIRS = ['/var/lib/rpm/', '/usr/lib/sysimage/rpm/', '/usr/share/rpm/'];
const FILES = new Set(['Packages', 'Packages.db', 'rpmdb.sqlite']);
/** Packages per database past this are not read (a full RHEL install has a few thousand). */
const MAX_PACKAGES = 100_000;

export function isRpmdbPath(path: string): boolean {
  for (const dir of DIRS) {
    if (path.startsWith(dir)) return FILES.has(path.slice(dir.length));
  }
  return false;
}

export function analyzeRpmdb(content: Buffer): AnalysisResult {
  let read: { values: Array<{ key?: number; value: Buffer }>; warnings: string[] };
  if (isSqlite(content)) read = readRpmSqlite(content, MAX_PACKAGES);
  else if (isNdb(content)) read = readNdb(content, MAX_PACKAGES);
  else if (isBdbHash(content)) read = readBdbHash(content, MAX_PACKAGES);
  else return { warnings: ['not an rpm database in a known format (sqlite, Berkeley DB hash, ndb)'] };

  const warnings = [...read.warnings];
  const packages: PackageRecord[] = [];
  const ownership: Ownership[] = [];
  const unreadable: string[] = [];
  const seen = new Set<number>();
  // Berkeley DB returns entries in hash order; header number order is install order.
  const entries = [...read.values].sort((a, b) => (a.key ?? Infinity) - (b.key ?? Infinity));
  for (const { key, value } of entries) {
    // Key 0 of the Berkeley DB holds rpm's next header number.
    if (key === 0) continue;
    if (key !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    const entry = packageFromHeader(value);
    if ('skipped' in entry) {
      if (entry.skipped !== 'gpg-pubkey') unreadable.push(key === undefined ? entry.skipped : `#${key}: ${entry.skipped}`);
      continue;
    }
    packages.push(entry.record);
    if (entry.ownership) ownership.push(entry.ownership);
  }
  if (unreadable.length) {
    warnings.push(`${unreadable.length} unreadable headers skipped (${unreadable.slice(0, 3).join('; ')}${unreadable.length > 3 ? '; …' : ''})`);
  }
  const result: AnalysisResult = { packages, ownership };
  return warnings.length ? { ...result, warnings } : result;
}

export const rpmdbAnalyzer: Analyzer = {
  id: 'rpmdb',
  version: 1,
  description: 'Installed rpm packages and their files from the rpm database (sqlite, Berkeley DB or ndb)',
  targets: ['image', 'rootfs'],
  maxBytes: 512 * 1024 * 1024,
  wants: (path) => isRpmdbPath(path),
  analyze: ({ content }) => analyzeRpmdb(content),
};
