/**
 * PHP packages installed by Composer, from `vendor/composer/installed.json`
 * (images, root filesystems and checkouts with a vendor directory). Both
 * formats: Composer 1 writes a bare array of packages; Composer 2 writes
 * `{"packages": [...], "dev": bool, "dev-package-names": [...]}`, and the
 * names listed in `dev-package-names` are reported with `dev: true`.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { composerPackages } from './composer-package.js';

const SUFFIX = '/vendor/composer/installed.json';

export function parseInstalledJson(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const out = { packages: [] as PackageRecord[], warnings: [] as string[] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    out.warnings.push('not valid JSON');
    return out;
  }
  if (Array.isArray(doc)) {
    composerPackages(doc, () => false, out);
    return out;
  }
  const d = doc as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.packages)) {
    out.warnings.push('neither a package list (Composer 1) nor an object with "packages" (Composer 2)');
    return out;
  }
  const devNames = new Set(Array.isArray(d['dev-package-names']) ? d['dev-package-names'].filter((n): n is string => typeof n === 'string').map((n) => n.toLowerCase()) : []);
  composerPackages(d.packages, (name) => typeof name === 'string' && devNames.has(name.toLowerCase()), out);
  return out;
}

export const composerInstalledAnalyzer: Analyzer = {
  id: 'composer-installed',
  version: 1,
  description: 'PHP packages installed by Composer (vendor/composer/installed.json, Composer 1 and 2)',
  targets: ['image', 'rootfs', 'fs'],
  maxBytes: 32 * 1024 * 1024,
  wants: (path) => path.endsWith(SUFFIX),
  analyze({ content }) {
    const r = parseInstalledJson(content.toString('utf8'));
    if (r.packages.length === 0 && r.warnings.length === 0) return null;
    return r.warnings.length ? r : { packages: r.packages };
  },
};
