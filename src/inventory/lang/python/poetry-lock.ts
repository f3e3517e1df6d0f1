/**
 * poetry.lock: one `[[package]]` table per locked distribution. Poetry up to
 * 1.4 marks development packages with `category = "dev"`; Poetry 2 lists the
 * dependency groups a package belongs to (`groups = ["main", "test"]`);
 * lock files between the two say neither, and `dev` stays unset. Which
 * packages the project asks for directly is in pyproject.toml, not here.
 * Local directory dependencies (the project's own code) are not reported.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';
import { pythonLockPackages } from './lock-packages.js';
import { isDistributionName } from './name.js';
import { isTable, parseToml, str } from './toml.js';

const MAX_PACKAGES = 200_000;
const MAX_WARNINGS = 20;

export function parsePoetryLock(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const { doc, warning } = parseToml(text);
  if (!doc) return { packages: [], warnings: [warning!] };
  if (!Array.isArray(doc.package)) {
    return { packages: [], warnings: isTable(doc.metadata) ? [] : ['no [[package]] tables: not a poetry.lock'] };
  }
  const warnings: string[] = [];
  const warn = (m: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(m);
  };
  const out = pythonLockPackages();
  for (const [i, entry] of doc.package.slice(0, MAX_PACKAGES).entries()) {
    if (!isTable(entry)) continue;
    const name = str(entry.name);
    const version = str(entry.version);
    if (!name || !version || !isDistributionName(name)) {
      warn(`package ${i + 1} has no valid name and version; skipped`);
      continue;
    }
    if (isTable(entry.source) && entry.source.type === 'directory') continue;
    const pkg: PackageRecord = { type: 'pypi', name, version };
    const category = str(entry.category);
    if (category !== undefined) {
      if (category === 'dev') pkg.dev = true;
    } else if (Array.isArray(entry.groups) && entry.groups.length) {
      if (!entry.groups.includes('main')) pkg.dev = true;
    }
    out.add(pkg);
  }
  if (doc.package.length > MAX_PACKAGES) warn(`more than ${MAX_PACKAGES} packages; the rest is not read`);
  return { packages: out.list(), warnings };
}

export const poetryLockAnalyzer: Analyzer = {
  id: 'poetry-lock',
  version: 1,
  description: 'poetry.lock (category = "dev" of Poetry 1.x, groups of Poetry 2)',
  targets: ['fs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => basename(path) === 'poetry.lock',
  analyze({ content }) {
    const { packages, warnings } = parsePoetryLock(content.toString('utf8'));
    if (!packages.length && !warnings.length) return null;
    return { packages, ...(warnings.length ? { warnings } : {}) };
  },
};
