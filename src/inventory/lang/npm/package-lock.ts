/**
 * npm lock files: `package-lock.json` and `npm-shrinkwrap.json`.
 *
 * - v1 (npm 5–6): a tree of `dependencies`, each entry possibly holding its
 *   own nested `dependencies`. It does not record which packages the project
 *   asked for, so `indirect` is left unset.
 * - v2 and v3 (npm 7+): a flat `packages` map keyed by install path
 *   (`node_modules/a/node_modules/b`). The root entry `""` and workspace
 *   entries (`packages/x`) list what the project and each workspace declare,
 *   which tells direct dependencies from indirect ones. v2 also carries the
 *   v1 tree for old npm; `packages` wins when both are present.
 *
 * The project itself, workspace folders and `link` entries are the project's
 * own code, not installed packages, and are not reported. Lock files inside
 * node_modules (`node_modules/.package-lock.json`, bundled locks) are not
 * asked for: the installed package.json files describe those packages.
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename, hasSegment } from '../../analyzer.js';
import { npmLicenses } from './license.js';
import type { LockPackages } from '../lock-packages.js';
import { npmLockPackages } from './lock-packages.js';

const MAX_DEPTH = 128;
const MAX_ENTRIES = 500_000;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** `node_modules/a/node_modules/@s/b` → `{ name: '@s/b', parent: 'node_modules/a' }`. */
export function splitInstallPath(key: string): { name: string; parent: string } | undefined {
  const marker = 'node_modules/';
  const i = key.lastIndexOf(marker);
  if (i < 0 || (i > 0 && key[i - 1] !== '/')) return undefined;
  const name = key.slice(i + marker.length);
  if (!name || name.split('/').length !== (name.startsWith('@') ? 2 : 1)) return undefined;
  return { name, parent: i === 0 ? '' : key.slice(0, i - 1) };
}

/** Versions a lock writes for packages installed under another name: `npm:real-name@1.2.3`. */
function alias(version: string): { name: string; version: string } | undefined {
  if (!version.startsWith('npm:')) return undefined;
  const spec = version.slice(4);
  const at = spec.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

/** Local code (`file:`, `link:`), which has no registry identity. */
function isLocal(version: string): boolean {
  return /^(file|link|workspace):/.test(version);
}

function declaredNames(entry: Json): Set<string> {
  const names = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = entry[field];
    if (isObject(deps)) for (const n of Object.keys(deps)) names.add(n);
  }
  return names;
}

function parsePackagesMap(packages: Json, out: LockPackages, warnings: string[]): void {
  // Entries that are not under node_modules are the root ("") and workspaces: what they declare is
  // direct. npm hoists workspace dependencies to the root node_modules, so the root folder holds
  // what any of them declares.
  const declarers = new Map<string, Set<string>>();
  const hoisted = new Set<string>();
  for (const [key, entry] of Object.entries(packages)) {
    if (!isObject(entry) || splitInstallPath(key)) continue;
    const names = declaredNames(entry);
    declarers.set(key, names);
    for (const n of names) hoisted.add(n);
  }
  declarers.set('', hoisted);
  const knowsDirect = isObject(packages['']);
  let count = 0;
  for (const [key, entry] of Object.entries(packages)) {
    if (++count > MAX_ENTRIES) {
      warnings.push(`more than ${MAX_ENTRIES} entries in "packages"; the rest is not read`);
      break;
    }
    if (!isObject(entry)) continue;
    const where = splitInstallPath(key);
    if (!where || entry.link === true) continue;
    let name = str(entry.name) ?? where.name;
    let version = str(entry.version);
    if (!version) {
      warnings.push(`"${key.slice(0, 200)}" has no version; skipped`);
      continue;
    }
    const aliased = alias(version);
    if (aliased) ({ name, version } = aliased);
    if (isLocal(version)) continue;
    const pkg: PackageRecord = { type: 'npm', name, version };
    if (knowsDirect) {
      const declared = declarers.get(where.parent)?.has(where.name) ?? false;
      pkg.indirect = !declared;
    }
    if (entry.dev === true) pkg.dev = true;
    if (entry.optional === true || entry.devOptional === true) pkg.properties = { 'npm.optional': 'true' };
    const { licenses } = npmLicenses(entry.license, entry.licenses);
    if (licenses.length) pkg.licenses = licenses;
    out.add(pkg);
  }
}

function parseDependencyTree(deps: Json, out: LockPackages, warnings: string[]): void {
  const stack: Array<{ deps: Json; depth: number }> = [{ deps, depth: 0 }];
  let count = 0;
  let tooDeep = false;
  while (stack.length) {
    const { deps: level, depth } = stack.pop()!;
    for (const [key, entry] of Object.entries(level)) {
      if (++count > MAX_ENTRIES) {
        warnings.push(`more than ${MAX_ENTRIES} entries in "dependencies"; the rest is not read`);
        return;
      }
      if (!isObject(entry)) continue;
      let name = key;
      let version = str(entry.version);
      if (version) {
        const aliased = alias(version);
        if (aliased) ({ name, version } = aliased);
        if (!isLocal(version)) {
          const pkg: PackageRecord = { type: 'npm', name, version };
          if (entry.dev === true) pkg.dev = true;
          if (entry.optional === true) pkg.properties = { 'npm.optional': 'true' };
          out.add(pkg);
        }
      } else {
        warnings.push(`"${key.slice(0, 200)}" has no version; skipped`);
      }
      if (isObject(entry.dependencies)) {
        if (depth + 1 >= MAX_DEPTH) tooDeep = true;
        else stack.push({ deps: entry.dependencies, depth: depth + 1 });
      }
    }
  }
  if (tooDeep) warnings.push(`dependencies nested deeper than ${MAX_DEPTH} levels are not read`);
}

export function parsePackageLock(content: string): { packages: PackageRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    return { packages: [], warnings: [`not valid JSON (${(e as Error).message.slice(0, 120)})`] };
  }
  if (!isObject(doc)) return { packages: [], warnings: ['not a JSON object'] };
  const out = npmLockPackages();
  if (isObject(doc.packages)) parsePackagesMap(doc.packages, out, warnings);
  else if (isObject(doc.dependencies)) parseDependencyTree(doc.dependencies, out, warnings);
  else if (doc.lockfileVersion !== undefined) warnings.push('neither "packages" nor "dependencies"; no packages read');
  else return { packages: [], warnings: ['no lockfileVersion: not an npm lock file'] };
  return { packages: out.list(), warnings };
}

export const npmPackageLockAnalyzer: Analyzer = {
  id: 'npm-package-lock',
  version: 1,
  description: 'npm lock files (package-lock.json v1, v2, v3 and npm-shrinkwrap.json) with dev and direct/indirect flags',
  targets: ['fs'],
  maxBytes: 64 * 1024 * 1024,
  wants(path) {
    const name = basename(path);
    return (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') && !hasSegment(path, 'node_modules');
  },
  analyze({ content }) {
    const { packages, warnings } = parsePackageLock(content.toString('utf8'));
    if (!packages.length && !warnings.length) return null;
    return { packages, ...(warnings.length ? { warnings } : {}) };
  },
};
