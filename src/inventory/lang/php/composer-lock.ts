/**
 * PHP packages locked by Composer in `composer.lock` (fs scans only; images
 * are read through vendor/composer/installed.json). `packages` are runtime
 * dependencies, `packages-dev` development ones (`dev: true`). Telling direct
 * from indirect requirements needs composer.json and is not attempted.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';
import { composerPackages } from './composer-package.js';

export function parseComposerLock(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const out = { packages: [] as PackageRecord[], warnings: [] as string[] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    out.warnings.push('not valid JSON');
    return out;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    out.warnings.push('not a composer.lock object');
    return out;
  }
  const d = doc as Record<string, unknown>;
  for (const [key, dev] of [['packages', false], ['packages-dev', true]] as const) {
    const list = d[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      out.warnings.push(`"${key}" is not a list`);
      continue;
    }
    composerPackages(list, () => dev, out);
  }
  return out;
}

export const composerLockAnalyzer: Analyzer = {
  id: 'composer-lock',
  version: 1,
  description: 'PHP packages from composer.lock (packages and packages-dev)',
  targets: ['fs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => basename(path) === 'composer.lock',
  analyze({ content }) {
    const r = parseComposerLock(content.toString('utf8'));
    if (r.packages.length === 0 && r.warnings.length === 0) return null;
    return r.warnings.length ? r : { packages: r.packages };
  },
};
