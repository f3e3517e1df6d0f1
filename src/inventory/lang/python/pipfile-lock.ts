/**
 * Pipfile.lock (pipenv): JSON with the runtime packages under `default` and
 * the development ones under `develop`, each pinned as `"version": "==x"`.
 * Entries without a pin (editable checkouts, git and path sources) have no
 * registry version and are not reported. Which packages the Pipfile names
 * directly is not in the lock.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';
import { pythonLockPackages } from './lock-packages.js';
import { isDistributionName } from './name.js';

const MAX_PACKAGES = 200_000;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parsePipfileLock(text: string): { packages: PackageRecord[]; warnings: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { packages: [], warnings: [`not valid JSON (${(e as Error).message.slice(0, 120)})`] };
  }
  if (!isObject(doc) || (!isObject(doc.default) && !isObject(doc.develop))) {
    return { packages: [], warnings: ['no "default" or "develop" section: not a Pipfile.lock'] };
  }
  const warnings: string[] = [];
  const out = pythonLockPackages();
  let count = 0;
  // `default` first, so a package in both sections ends up not dev.
  for (const section of ['default', 'develop'] as const) {
    const entries = doc[section];
    if (!isObject(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      if (++count > MAX_PACKAGES) {
        warnings.push(`more than ${MAX_PACKAGES} packages; the rest is not read`);
        return { packages: out.list(), warnings };
      }
      if (!isObject(entry) || typeof entry.version !== 'string') continue;
      const pin = /^\s*===?\s*([^\s,;]+)\s*$/.exec(entry.version);
      if (!pin || !isDistributionName(name)) {
        if (warnings.length < 20) warnings.push(`"${name.slice(0, 80)}": "${entry.version.slice(0, 40)}" is not a pinned version; skipped`);
        continue;
      }
      const pkg: PackageRecord = { type: 'pypi', name, version: pin[1]! };
      if (section === 'develop') pkg.dev = true;
      out.add(pkg);
    }
  }
  return { packages: out.list(), warnings };
}

export const pipfileLockAnalyzer: Analyzer = {
  id: 'pipfile-lock',
  version: 1,
  description: 'Pipfile.lock (pipenv), runtime and develop packages',
  targets: ['fs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => basename(path) === 'Pipfile.lock',
  analyze({ content }) {
    const { packages, warnings } = parsePipfileLock(content.toString('utf8'));
    if (!packages.length && !warnings.length) return null;
    return { packages, ...(warnings.length ? { warnings } : {}) };
  },
};
