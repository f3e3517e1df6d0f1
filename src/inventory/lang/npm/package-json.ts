/**
 * Installed npm packages: the `package.json` at the top of each package
 * folder under a `node_modules` directory (`node_modules/<name>/` or
 * `node_modules/@scope/<name>/`), wherever that `node_modules` is: an
 * application's, a nested one, or the global `/usr/lib/node_modules`.
 * package.json files deeper inside a package (`lib/package.json`, often just
 * `{"type":"module"}`) describe no package and are not asked for.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { npmLicenses } from './license.js';

const MAX_FIELD_LENGTH = 512;

/** True for `…/node_modules/<name>/package.json` and `…/node_modules/@scope/<name>/package.json`. */
export function isInstalledPackageJson(path: string): boolean {
  if (!path.endsWith('/package.json')) return false;
  const pkgDirEnd = path.length - '/package.json'.length;
  const nameStart = path.lastIndexOf('/', pkgDirEnd - 1) + 1;
  if (nameStart <= 0 || nameStart === pkgDirEnd) return false;
  const first = path.charCodeAt(nameStart);
  // Package folders never start with `.` (`.bin`, `.cache`, `.pnpm`).
  if (first === 0x2e || first === 0x40) return false;
  const parentEnd = nameStart - 1;
  const parentStart = path.lastIndexOf('/', parentEnd - 1) + 1;
  const parent = path.slice(parentStart, parentEnd);
  if (parent === 'node_modules') return true;
  if (!parent.startsWith('@') || parent.length < 2 || parentStart === 0) return false;
  const grandStart = path.lastIndexOf('/', parentStart - 2) + 1;
  return path.slice(grandStart, parentStart - 1) === 'node_modules';
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t && t.length <= MAX_FIELD_LENGTH ? t : undefined;
}

export function parseInstalledPackageJson(content: string): { pkg?: PackageRecord; warnings: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    return { warnings: [`not valid JSON (${(e as Error).message.slice(0, 120)})`] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { warnings: ['not a JSON object'] };
  const meta = doc as Record<string, unknown>;
  const name = text(meta.name);
  const version = text(meta.version);
  // A folder in node_modules without both fields is not an installed package (a stub or a test fixture).
  if (!name || !version) return { warnings: [] };
  const pkg: PackageRecord = { type: 'npm', name, version };
  const { licenses, licenseFile } = npmLicenses(meta.license, meta.licenses);
  if (licenses.length) pkg.licenses = licenses;
  if (licenseFile) pkg.properties = { 'npm.licenseFile': licenseFile };
  return { pkg, warnings: [] };
}

export const npmPackageJsonAnalyzer: Analyzer = {
  id: 'npm-package-json',
  version: 1,
  description: 'Installed npm packages from node_modules/<name>/package.json (nested, scoped and global node_modules)',
  targets: ['image', 'rootfs', 'fs'],
  // Old npm copied the README into installed package.json files, so allow some room.
  maxBytes: 4 * 1024 * 1024,
  wants: (path) => isInstalledPackageJson(path),
  analyze({ content }) {
    const { pkg, warnings } = parseInstalledPackageJson(content.toString('utf8'));
    if (!pkg) return warnings.length ? { warnings } : null;
    return { packages: [pkg] };
  },
};
