/**
 * uv.lock: one `[[package]]` table per distribution, the project itself and
 * its workspace members among them (source `editable` or `virtual`). Those
 * are the project's own code and are not reported; what they list under
 * `dependencies`, `optional-dependencies` and `dev-dependencies` are the
 * direct dependencies. A package is dev when only the dev groups reach it.
 * Local directory sources are not reported either; local archives (`path`)
 * are real distributions and are.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';
import { pythonLockPackages } from './lock-packages.js';
import { isDistributionName, normalizeName } from './name.js';
import { isTable, parseToml, str } from './toml.js';
import type { TomlTable } from './toml.js';

const MAX_PACKAGES = 200_000;
const MAX_STEPS = 2_000_000;
const MAX_WARNINGS = 20;

interface Dep {
  name: string;
  version?: string;
  extras: string[];
}

interface Entry {
  index: number;
  table: TomlTable;
  name: string;
  version?: string;
  root: boolean;
  local: boolean;
}

function depsOf(list: unknown): Dep[] {
  if (!Array.isArray(list)) return [];
  const out: Dep[] = [];
  for (const d of list) {
    if (!isTable(d)) continue;
    const name = str(d.name);
    if (!name) continue;
    const extras = Array.isArray(d.extra) ? d.extra.filter((e): e is string => typeof e === 'string') : [];
    out.push({ name: normalizeName(name), version: str(d.version), extras });
  }
  return out;
}

function groups(table: unknown): Dep[] {
  if (!isTable(table)) return [];
  return Object.values(table).flatMap((list) => depsOf(list));
}

export function parseUvLock(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const { doc, warning } = parseToml(text);
  if (!doc) return { packages: [], warnings: [warning!] };
  if (!Array.isArray(doc.package)) {
    return { packages: [], warnings: doc.version !== undefined ? [] : ['no [[package]] tables: not a uv.lock'] };
  }
  const warnings: string[] = [];
  const warn = (m: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(m);
  };
  if (doc.package.length > MAX_PACKAGES) warn(`more than ${MAX_PACKAGES} packages; the rest is not read`);

  const entries: Entry[] = [];
  const byName = new Map<string, Entry[]>();
  for (const [i, table] of doc.package.slice(0, MAX_PACKAGES).entries()) {
    if (!isTable(table)) continue;
    const name = str(table.name);
    if (!name || !isDistributionName(name)) {
      warn(`package ${i + 1} has no valid name; skipped`);
      continue;
    }
    const source = isTable(table.source) ? table.source : {};
    const entry: Entry = {
      index: entries.length,
      table,
      name,
      version: str(table.version),
      root: 'editable' in source || 'virtual' in source,
      local: 'directory' in source,
    };
    entries.push(entry);
    const key = normalizeName(name);
    const same = byName.get(key);
    if (same) same.push(entry);
    else byName.set(key, [entry]);
  }

  const roots = entries.filter((e) => e.root);
  const prodRoots = roots.flatMap((r) => [...depsOf(r.table.dependencies), ...groups(r.table['optional-dependencies'])]);
  const devRoots = roots.flatMap((r) => groups(r.table['dev-dependencies']));
  const direct = new Set([...prodRoots, ...devRoots].map((d) => d.name));

  const reach = (start: Dep[]): Set<Entry> => {
    const found = new Set<Entry>();
    const seen = new Set<string>();
    const queue = [...start];
    let steps = 0;
    while (queue.length && steps++ < MAX_STEPS) {
      const dep = queue.pop()!;
      for (const target of byName.get(dep.name) ?? []) {
        if (dep.version && target.version !== dep.version) continue;
        const visit = `${target.index}[${dep.extras.join(',')}]`;
        if (seen.has(visit)) continue;
        seen.add(visit);
        found.add(target);
        queue.push(...depsOf(target.table.dependencies));
        const optional = target.table['optional-dependencies'];
        if (isTable(optional)) for (const extra of dep.extras) queue.push(...depsOf(optional[extra]));
      }
    }
    return found;
  };
  const prod = reach(prodRoots);
  const dev = reach(devRoots);

  const out = pythonLockPackages();
  for (const e of entries) {
    if (e.root || e.local) continue;
    if (!e.version) {
      warn(`${e.name} has no version; skipped`);
      continue;
    }
    const pkg: PackageRecord = { type: 'pypi', name: e.name, version: e.version };
    if (roots.length) {
      pkg.indirect = !direct.has(normalizeName(e.name));
      if (dev.has(e) && !prod.has(e)) pkg.dev = true;
    }
    out.add(pkg);
  }
  return { packages: out.list(), warnings };
}

export const uvLockAnalyzer: Analyzer = {
  id: 'uv-lock',
  version: 1,
  description: 'uv.lock with direct/indirect and dev flags, the project and its workspace members left out',
  targets: ['fs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => basename(path) === 'uv.lock',
  analyze({ content }) {
    const { packages, warnings } = parseUvLock(content.toString('utf8'));
    if (!packages.length && !warnings.length) return null;
    return { packages, ...(warnings.length ? { warnings } : {}) };
  },
};
