/**
 * NuGet packages resolved by `dotnet restore` with lock files enabled:
 * `packages.lock.json` (fs scans only). `dependencies` holds one map per
 * target framework (and runtime identifier); a package resolved for several
 * frameworks at one version is reported once, with the frameworks in
 * `nuget.frameworks`. `Direct` (and `CentralTransitive` pinned centrally
 * but not referenced) vs `Transitive` sets `indirect`; `Project` entries are
 * other projects of the solution, not packages.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';

const MAX_ENTRIES = 200_000;
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$/;

export function parsePackagesLock(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const out = { packages: [] as PackageRecord[], warnings: [] as string[] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    out.warnings.push('not valid JSON');
    return out;
  }
  const frameworks = (doc as { dependencies?: unknown } | null)?.dependencies;
  if (typeof frameworks !== 'object' || frameworks === null || Array.isArray(frameworks)) {
    out.warnings.push('no "dependencies" object');
    return out;
  }
  const found = new Map<string, { record: PackageRecord; direct: boolean; frameworks: string[] }>();
  let seen = 0;
  let bad = 0;
  for (const [framework, deps] of Object.entries(frameworks as Record<string, unknown>)) {
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [name, dep] of Object.entries(deps as Record<string, unknown>)) {
      if (++seen > MAX_ENTRIES) break;
      const d = dep as { type?: unknown; resolved?: unknown } | null;
      if (d?.type === 'Project') continue;
      if (!ID.test(name) || typeof d?.resolved !== 'string' || !/^[0-9][0-9A-Za-z.+-]{0,127}$/.test(d.resolved)) {
        bad++;
        continue;
      }
      const key = `${name.toLowerCase()}@${d.resolved}`;
      let entry = found.get(key);
      if (!entry) {
        entry = { record: { type: 'nuget', name, version: d.resolved }, direct: false, frameworks: [] };
        found.set(key, entry);
      }
      if (d.type === 'Direct') entry.direct = true;
      if (!entry.frameworks.includes(framework)) entry.frameworks.push(framework);
    }
  }
  if (bad) out.warnings.push(`${bad} entries without a valid name and resolved version skipped`);
  if (seen > MAX_ENTRIES) out.warnings.push(`only the first ${MAX_ENTRIES} entries read`);
  for (const { record, direct, frameworks: fw } of found.values()) {
    if (!direct) record.indirect = true;
    record.properties = { 'nuget.frameworks': fw.join(',') };
    out.packages.push(record);
  }
  return out;
}

export const nugetLockAnalyzer: Analyzer = {
  id: 'nuget-lock',
  version: 1,
  description: 'NuGet packages from packages.lock.json (direct and transitive, per target framework)',
  targets: ['fs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => basename(path) === 'packages.lock.json',
  analyze({ content }) {
    const r = parsePackagesLock(content.toString('utf8'));
    if (r.packages.length === 0 && r.warnings.length === 0) return null;
    return r.warnings.length ? r : { packages: r.packages };
  },
};
