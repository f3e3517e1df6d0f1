/**
 * Which ignore entries apply to a finding. Entries are indexed by id so a large ignore file costs a
 * map look-up per finding id and alias, not a scan of every entry.
 */
import type { Finding } from '../../core/types.js';
import { compileGlob, type PathMatcher } from './glob.js';
import type { IgnoreEntry, IgnoreFile } from './file.js';

/** Start of the expiry day (UTC) in milliseconds. */
export function expiryTime(entry: IgnoreEntry): number | undefined {
  return entry.expires === undefined ? undefined : Date.parse(`${entry.expires}T00:00:00Z`);
}

export function isExpired(entry: IgnoreEntry, now: Date): boolean {
  const t = expiryTime(entry);
  return t !== undefined && now.getTime() >= t;
}

/** Aliases the matcher keeps in `references` are the entries that are not URLs. */
export function findingIds(finding: Finding): string[] {
  return [finding.id, ...(finding.aliases ?? []), ...finding.references.filter((r) => !r.includes('://'))];
}

/**
 * `pkg:npm/lodash` matches `pkg:npm/lodash@4.17.15` but not `pkg:npm/lodash.merge@…`: the prefix must
 * end where a purl component ends. The type is case-insensitive, as the purl spec says.
 */
export function purlMatches(prefix: string, purl: string | undefined): boolean {
  if (purl === undefined) return false;
  const norm = (p: string) => p.replace(/^pkg:([^/]+)/i, (_, t: string) => `pkg:${t.toLowerCase()}`);
  const a = norm(prefix);
  const b = norm(purl);
  if (!b.startsWith(a)) return false;
  if (b.length === a.length) return true;
  const next = b[a.length]!;
  return next === '@' || next === '?' || next === '#' || next === '/' || a.endsWith('/');
}

function packageMatches(name: string, finding: Finding): boolean {
  const pkg = finding.package;
  return pkg !== undefined && (pkg.name === name || pkg.sourceName === name);
}

interface Compiled {
  entry: IgnoreEntry;
  order: number;
  path?: PathMatcher;
}

export interface IgnoreIndex {
  /** Every entry (of those given) that applies to the finding, in file order. */
  matching(finding: Finding): IgnoreEntry[];
}

export function indexIgnoreEntries(entries: readonly IgnoreEntry[]): IgnoreIndex {
  const byId = new Map<string, Compiled[]>();
  entries.forEach((entry, order) => {
    const key = entry.id.toUpperCase();
    const list = byId.get(key) ?? [];
    list.push(entry.path === undefined ? { entry, order } : { entry, order, path: compileGlob(entry.path) });
    byId.set(key, list);
  });
  return {
    matching(finding: Finding): IgnoreEntry[] {
      const hits = new Map<IgnoreEntry, number>();
      for (const id of findingIds(finding)) {
        for (const c of byId.get(id.toUpperCase()) ?? []) {
          const e = c.entry;
          if (e.package !== undefined && !packageMatches(e.package, finding)) continue;
          if (e.purl !== undefined && !purlMatches(e.purl, finding.package?.purl)) continue;
          if (c.path !== undefined && (finding.location.path === undefined || !c.path(finding.location.path))) continue;
          hits.set(e, c.order);
        }
      }
      return [...hits].sort((a, b) => a[1] - b[1]).map(([e]) => e);
    },
  };
}

export function indexIgnoreFile(file: IgnoreFile): IgnoreIndex {
  return indexIgnoreEntries(file.entries);
}
