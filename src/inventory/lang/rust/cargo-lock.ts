/**
 * Rust crates from `Cargo.lock` in a source checkout (fs scans only; images
 * carry binaries, read by the cargo-auditable analyzer). All lock file
 * versions share the `[[package]]` array: v1 (dependencies as
 * `name version (source)`, checksums in `[metadata]`), v2, `version = 3`
 * and `version = 4` (dependencies as `name` or `name version`).
 *
 * Packages without `source` are the workspace's own crates and path
 * dependencies. They are kept, as Trivy keeps them, with
 * `cargo.source = "local"`, so an SBOM shows what the project is made of;
 * vulnerability matching can tell them apart by that property. Crates that
 * no local crate depends on directly are marked `indirect`. Cargo.lock does
 * not say which crates only serve tests or build scripts, so `dev` is never
 * set.
 */
import { parse } from 'smol-toml';
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';

const MAX_PACKAGES = 100_000;
const MAX_DEPENDENCIES = 10_000;

interface LockPackage {
  name: string;
  version: string;
  source?: string;
  dependencies: string[];
}

export function parseCargoLock(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = parse(text, { maxDepth: 16 }) as Record<string, unknown>;
  } catch (e) {
    const line = (e as { line?: number }).line;
    return { packages: [], warnings: [`not valid TOML${line ? ` (line ${line})` : ''}`] };
  }
  const raw = doc.package;
  if (raw === undefined) return { packages: [], warnings: [] };
  if (!Array.isArray(raw)) return { packages: [], warnings: ['"package" is not an array of tables'] };

  const lock: LockPackage[] = [];
  let skipped = 0;
  for (const entry of raw.slice(0, MAX_PACKAGES)) {
    const p = entry as Record<string, unknown>;
    if (typeof p?.name !== 'string' || typeof p.version !== 'string' || !p.name || !p.version) {
      skipped++;
      continue;
    }
    const deps = Array.isArray(p.dependencies) ? p.dependencies.slice(0, MAX_DEPENDENCIES).filter((d): d is string => typeof d === 'string') : [];
    const item: LockPackage = { name: p.name, version: p.version, dependencies: deps };
    if (typeof p.source === 'string') item.source = p.source;
    lock.push(item);
  }
  if (skipped) warnings.push(`${skipped} [[package]] entries without name and version skipped`);
  if (raw.length > MAX_PACKAGES) warnings.push(`only the first ${MAX_PACKAGES} of ${raw.length} packages read`);

  // Dependencies of local crates are direct; everything else a registry or git crate is pulled in by them.
  const byName = new Map<string, LockPackage[]>();
  for (const p of lock) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const direct = new Set<LockPackage>();
  const locals = lock.filter((p) => p.source === undefined);
  for (const local of locals) {
    for (const dep of local.dependencies) {
      const [name, version] = dep.split(' ');
      const candidates = byName.get(name ?? '') ?? [];
      for (const c of candidates) if (version === undefined || c.version === version) direct.add(c);
    }
  }

  const seen = new Set<string>();
  const packages: PackageRecord[] = [];
  for (const p of lock) {
    const key = `${p.name}@${p.version}@${p.source ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const record: PackageRecord = { type: 'cargo', name: p.name, version: p.version, properties: { 'cargo.source': p.source ?? 'local' } };
    if (p.source !== undefined && locals.length > 0 && !direct.has(p)) record.indirect = true;
    packages.push(record);
  }
  return { packages, warnings };
}

export const cargoLockAnalyzer: Analyzer = {
  id: 'cargo-lock',
  version: 1,
  description: 'Rust crates from Cargo.lock (all lock file versions)',
  targets: ['fs'],
  maxBytes: 16 * 1024 * 1024,
  wants: (path) => path.endsWith('/Cargo.lock') && basename(path) === 'Cargo.lock',
  analyze({ content }) {
    const r = parseCargoLock(content.toString('utf8'));
    if (r.packages.length === 0 && r.warnings.length === 0) return null;
    return r.warnings.length ? r : { packages: r.packages };
  },
};
