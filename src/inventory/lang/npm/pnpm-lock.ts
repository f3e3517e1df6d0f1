/**
 * pnpm-lock.yaml, lockfile versions 5.x (pnpm 7), 6.x (pnpm 8) and 9.x
 * (pnpm 9 and later).
 *
 * Package keys differ by version: `/name/1.0.0_peer@2.0.0` (5.x),
 * `/name@1.0.0(peer@2.0.0)` (6.x), `name@1.0.0` in `packages` with the peer
 * variants in `snapshots` (9.x). Keys without the leading `/` in 5.x and 6.x
 * name another registry or a tarball; those entries carry `name` and
 * `version` fields, which win over the key.
 *
 * Direct dependencies are what the importers (the root project and each
 * workspace) declare. 5.x and 6.x mark dev-only packages with `dev: true`;
 * 9.x dropped the flag, so it is worked out by walking the snapshots from the
 * importers' `devDependencies` and from their other dependencies. Since
 * pnpm 11 the file may start with a second YAML document describing pnpm
 * itself; the project is always the last document. `link:` and `file:`
 * dependencies are the project's own code and are not reported.
 */
import { parseAllDocuments } from 'yaml';
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename, hasSegment } from '../../analyzer.js';
import { npmLockPackages } from './lock-packages.js';
import { LOCAL_PROTOCOLS, isPackageName, protocolOf, splitSpecifier } from './spec.js';

const MAX_ENTRIES = 500_000;
const MAX_WARNINGS = 20;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalar(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

interface Ref {
  name: string;
  version: string;
  /** The `snapshots` key (9.x) the reference points at. */
  snapshot: string;
}

const identity = (r: { name: string; version: string }) => `${r.name}@${r.version}`;

function isLocal(ref: string): boolean {
  return LOCAL_PROTOCOLS.has(protocolOf(ref));
}

/** Name and version from a `packages`/`snapshots` key, without peer or patch suffixes. */
export function parsePnpmKey(key: string, major: number): { name: string; version: string } | undefined {
  if (isLocal(key)) return undefined;
  let k = key;
  if (major < 9) {
    if (k.startsWith('/')) k = k.slice(1);
    else {
      // Absolute key: `registry.example.com/name/1.0.0`; the first segment names the registry.
      const slash = k.indexOf('/');
      if (slash < 0) return undefined;
      k = k.slice(slash + 1);
    }
  }
  if (major < 6) {
    const m = /^(@[^/]+\/[^/]+|[^/@][^/]*)\/(.+)$/.exec(k);
    if (!m) return undefined;
    const version = m[2]!.split('_')[0]!;
    return isPackageName(m[1]!) && version && !version.includes('/') ? { name: m[1]!, version } : undefined;
  }
  const paren = k.indexOf('(');
  if (paren >= 0) k = k.slice(0, paren);
  const spec = splitSpecifier(k);
  if (!spec || !spec.range || !isPackageName(spec.name)) return undefined;
  return { name: spec.name, version: spec.range };
}

/** What an importer or snapshot dependency (`name: ref`) points at. */
export function resolvePnpmRef(name: string, ref: string, major: number): Ref | undefined {
  if (!ref || isLocal(ref)) return undefined;
  if (major < 6) {
    if (ref.startsWith('/')) {
      const target = parsePnpmKey(ref, major);
      return target && { ...target, snapshot: ref };
    }
    return { name, version: ref.split('_')[0]!, snapshot: `/${name}/${ref}` };
  }
  const paren = ref.indexOf('(');
  const base = paren >= 0 ? ref.slice(0, paren) : ref;
  if (base.startsWith('/')) {
    const target = parsePnpmKey(ref, major);
    return target && { ...target, snapshot: ref };
  }
  // An alias (`string-width-cjs: string-width@4.2.3`) names its target package.
  const alias = splitSpecifier(base);
  if (alias && isPackageName(alias.name) && alias.range) return { name: alias.name, version: alias.range, snapshot: ref };
  // A key of its own (`github.com/user/repo/sha`): a tarball or another registry.
  if (major < 9 && base.includes('/')) return { name, version: base, snapshot: ref };
  return { name, version: base, snapshot: major >= 9 ? `${name}@${ref}` : `/${name}@${ref}` };
}

function refString(v: unknown): string | undefined {
  if (isObject(v)) return scalar(v.version);
  return scalar(v);
}

interface Importers {
  prod: Ref[];
  dev: Ref[];
  /** False when the file lists no importer dependencies at all. */
  known: boolean;
}

function readImporters(doc: Json, major: number): Importers {
  const out: Importers = { prod: [], dev: [], known: false };
  const importers: Json[] = [];
  if (isObject(doc.importers)) {
    for (const imp of Object.values(doc.importers)) if (isObject(imp)) importers.push(imp);
  } else {
    importers.push(doc);
  }
  for (const imp of importers) {
    for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
      const deps = imp[field];
      if (!isObject(deps)) continue;
      out.known = true;
      for (const [name, value] of Object.entries(deps)) {
        const ref = refString(value);
        const resolved = ref ? resolvePnpmRef(name, ref, major) : undefined;
        if (resolved) (field === 'devDependencies' ? out.dev : out.prod).push(resolved);
      }
    }
  }
  return out;
}

/** Identities reachable from `roots` through 9.x snapshots. */
function reachable(roots: Ref[], snapshots: Json, major: number): Set<string> {
  const seen = new Set<string>();
  const found = new Set<string>();
  const queue = [...roots];
  let steps = 0;
  while (queue.length && steps++ < MAX_ENTRIES) {
    const ref = queue.pop()!;
    found.add(identity(ref));
    if (seen.has(ref.snapshot)) continue;
    seen.add(ref.snapshot);
    const snap = snapshots[ref.snapshot];
    if (!isObject(snap)) continue;
    for (const field of ['dependencies', 'optionalDependencies']) {
      const deps = snap[field];
      if (!isObject(deps)) continue;
      for (const [name, value] of Object.entries(deps)) {
        const dep = typeof value === 'string' ? resolvePnpmRef(name, value.trim(), major) : undefined;
        if (dep && !seen.has(dep.snapshot)) queue.push(dep);
      }
    }
  }
  return found;
}

/** The project document: the last one of the file. */
function projectDocument(content: string): { doc?: Json; warning?: string } {
  const docs = parseAllDocuments(content, { schema: 'failsafe', uniqueKeys: false });
  if (!Array.isArray(docs)) return { warning: 'no YAML document' };
  const last = docs[docs.length - 1];
  if (!last) return { warning: 'no YAML document' };
  if (last.errors.length) return { warning: `not valid YAML (${last.errors[0]!.message.split('\n')[0]!.slice(0, 120)})` };
  const doc: unknown = last.toJS({ maxAliasCount: 100 });
  return isObject(doc) ? { doc } : { warning: 'not a YAML mapping' };
}

export function parsePnpmLock(content: string): { packages: PackageRecord[]; warnings: string[] } {
  let parsed: { doc?: Json; warning?: string };
  try {
    parsed = projectDocument(content);
  } catch (e) {
    parsed = { warning: `not valid YAML (${(e as Error).message.split('\n')[0]!.slice(0, 120)})` };
  }
  const { doc } = parsed;
  if (!doc) return { packages: [], warnings: [parsed.warning ?? 'no YAML document'] };
  const warnings: string[] = [];
  const warn = (m: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(m);
  };
  const major = Number.parseFloat(scalar(doc.lockfileVersion) ?? '');
  if (!Number.isFinite(major)) return { packages: [], warnings: ['no lockfileVersion: not a pnpm lock file'] };
  if (major < 5 || major >= 10) warn(`lockfileVersion ${String(doc.lockfileVersion).slice(0, 20)} is not one this reader knows; read as the closest known one`);

  const importers = readImporters(doc, major);
  const declared = importers.prod.concat(importers.dev);
  const direct = new Set(declared.map(identity).concat(declared.map((r) => r.snapshot)));
  let devOnly: ((id: string) => boolean) | undefined;
  if (major >= 9 && isObject(doc.snapshots)) {
    const prod = reachable(importers.prod, doc.snapshots, major);
    const dev = reachable(importers.dev, doc.snapshots, major);
    devOnly = (id) => dev.has(id) && !prod.has(id);
  }

  const entries = isObject(doc.packages) ? doc.packages : isObject(doc.snapshots) ? doc.snapshots : {};
  const out = npmLockPackages();
  let count = 0;
  for (const [key, entry] of Object.entries(entries)) {
    if (++count > MAX_ENTRIES) {
      warn(`more than ${MAX_ENTRIES} packages; the rest is not read`);
      break;
    }
    const meta = isObject(entry) ? entry : {};
    if (isLocal(key) || /(^|@)(file|link):/.test(key)) continue;
    const fromKey = parsePnpmKey(key, major);
    const name = scalar(meta.name) ?? fromKey?.name;
    const version = scalar(meta.version) ?? fromKey?.version;
    if (!name || !version) {
      warn(`package key "${key.slice(0, 120)}" names no package and version; skipped`);
      continue;
    }
    if (isLocal(version)) continue;
    const pkg: PackageRecord = { type: 'npm', name, version };
    const id = identity(pkg);
    if (importers.known) pkg.indirect = !direct.has(id) && !direct.has(key);
    if (devOnly ? devOnly(id) : meta.dev === 'true') pkg.dev = true;
    if (meta.optional === 'true') pkg.properties = { 'npm.optional': 'true' };
    out.add(pkg);
  }
  return { packages: out.list(), warnings };
}

export const pnpmLockAnalyzer: Analyzer = {
  id: 'pnpm-lock',
  version: 1,
  description: 'pnpm-lock.yaml (lockfile versions 5.x, 6.x and 9.x) with dev and direct/indirect flags',
  targets: ['fs'],
  maxBytes: 64 * 1024 * 1024,
  wants: (path) => basename(path) === 'pnpm-lock.yaml' && !hasSegment(path, 'node_modules'),
  analyze({ content }) {
    const { packages, warnings } = parsePnpmLock(content.toString('utf8'));
    if (!packages.length && !warnings.length) return null;
    return { packages, ...(warnings.length ? { warnings } : {}) };
  },
};
