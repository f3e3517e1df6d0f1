/**
 * yarn.lock, in both of its formats.
 *
 * - Yarn 1 ("classic"): a format of its own, one entry per resolved package,
 *   headed by every specifier that resolved to it
 *   (`"lodash@^4.17.15", lodash@^4.17.19:`), fields indented below. It does
 *   not record which packages the project asked for or which are dev-only.
 * - Yarn 2+ ("berry"): YAML with a `__metadata` entry. Keys carry protocols
 *   (`lodash@npm:^4.17.21`), and each workspace has an entry of its own
 *   (`app@workspace:.`) listing what it declares, which marks direct
 *   dependencies. Workspaces, `patch:` entries (a modified copy of a package
 *   that is also listed unpatched) and other local protocols are not reported.
 */
import { parse as parseYaml } from 'yaml';
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename, hasSegment } from '../../analyzer.js';
import { npmLockPackages } from './lock-packages.js';
import { LOCAL_PROTOCOLS, aliasTarget, protocolOf, splitSpecifier } from './spec.js';

const MAX_LINES = 2_000_000;
const MAX_ENTRIES = 500_000;
const MAX_WARNINGS = 20;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      const v: unknown = JSON.parse(t);
      if (typeof v === 'string') return v;
    } catch {
      // not JSON-escaped; fall through to the raw inner text
    }
    return t.slice(1, -1);
  }
  return t;
}

/** The header of a classic entry: `"a@^1", a@^1.2:` → `['a@^1', 'a@^1.2']`. */
function headerSpecifiers(header: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= header.length; i++) {
    const c = header[i];
    if (c === '"' && header[i - 1] !== '\\') quoted = !quoted;
    else if (i === header.length || (c === ',' && !quoted)) {
      const s = unquote(header.slice(start, i));
      if (s) out.push(s);
      start = i + 1;
    }
  }
  return out;
}

/** The package a specifier installs, or undefined for local code. */
function targetName(spec: string): string | undefined {
  const parsed = splitSpecifier(spec);
  if (!parsed) return undefined;
  if (LOCAL_PROTOCOLS.has(protocolOf(parsed.range))) return undefined;
  return aliasTarget(parsed.range) ?? parsed.name;
}

export function parseClassicYarnLock(content: string): { packages: PackageRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  const warn = (m: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(m);
  };
  const out = npmLockPackages();
  const lines = content.split('\n');
  if (lines.length > MAX_LINES) warn(`more than ${MAX_LINES} lines; the rest is not read`);
  let current: { name?: string; version?: string; line: number } | undefined;
  let entries = 0;
  const flush = () => {
    if (!current?.name) return;
    if (!current.version) warn(`entry at line ${current.line} has no version; skipped`);
    else out.add({ type: 'npm', name: current.name, version: current.version });
  };
  const end = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < end; i++) {
    const line = lines[i]!.trimEnd();
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (line[0] !== ' ' && line[0] !== '\t') {
      flush();
      current = undefined;
      if (!line.endsWith(':')) {
        warn(`line ${i + 1} is neither an entry header nor a field; skipped`);
        continue;
      }
      if (++entries > MAX_ENTRIES) {
        warn(`more than ${MAX_ENTRIES} entries; the rest is not read`);
        break;
      }
      const specs = headerSpecifiers(line.slice(0, -1));
      const first = specs[0];
      current = { line: i + 1 };
      if (first && splitSpecifier(first)) current.name = targetName(first);
      else warn(`line ${i + 1}: "${line.slice(0, 120)}" names no package; skipped`);
      continue;
    }
    if (!current) continue;
    // Only the entry's own fields (two spaces in); deeper lines are its dependency lists.
    const m = /^ {2}(?! )("?)version\1[ :]\s*(.+)$/.exec(line);
    if (m) current.version = unquote(m[2]!);
  }
  flush();
  return { packages: out.list(), warnings };
}

function scalar(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function parseBerryYarnLock(content: string): { packages: PackageRecord[]; warnings: string[] } {
  let doc: unknown;
  try {
    doc = parseYaml(content, { schema: 'failsafe', maxAliasCount: 100, uniqueKeys: false });
  } catch (e) {
    return { packages: [], warnings: [`not valid YAML (${(e as Error).message.split('\n')[0]!.slice(0, 120)})`] };
  }
  if (!isObject(doc)) return { packages: [], warnings: ['not a YAML mapping'] };
  const warnings: string[] = [];
  const warn = (m: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(m);
  };

  // Every descriptor (`lodash@npm:^4.17.21`) points at its entry; workspaces' declared ranges are looked up there.
  const byDescriptor = new Map<string, string>();
  const workspaceDeps: Array<[string, string]> = [];
  let entries = 0;
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isObject(entry)) continue;
    if (++entries > MAX_ENTRIES) break;
    for (const d of key.split(',')) byDescriptor.set(d.trim(), key);
    const resolution = scalar(entry.resolution);
    const spec = resolution ? splitSpecifier(resolution) : undefined;
    if (spec && protocolOf(spec.range) === 'workspace') {
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        const deps = entry[field];
        if (!isObject(deps)) continue;
        for (const [name, range] of Object.entries(deps)) if (typeof range === 'string') workspaceDeps.push([name, range]);
      }
    }
  }
  const directKeys = new Set<string>();
  let sawWorkspace = false;
  for (const [name, range] of workspaceDeps) {
    sawWorkspace = true;
    const key = byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
    if (key) directKeys.add(key);
  }

  const out = npmLockPackages();
  entries = 0;
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isObject(entry)) continue;
    if (++entries > MAX_ENTRIES) {
      warn(`more than ${MAX_ENTRIES} entries; the rest is not read`);
      break;
    }
    const resolution = scalar(entry.resolution);
    const spec = resolution ? splitSpecifier(resolution) : undefined;
    if (!spec) {
      warn(`"${key.slice(0, 120)}" has no usable resolution; skipped`);
      continue;
    }
    if (LOCAL_PROTOCOLS.has(protocolOf(spec.range))) continue;
    const version = scalar(entry.version);
    if (!version) {
      warn(`"${key.slice(0, 120)}" has no version; skipped`);
      continue;
    }
    const pkg: PackageRecord = { type: 'npm', name: spec.name, version };
    if (sawWorkspace) pkg.indirect = !directKeys.has(key);
    out.add(pkg);
  }
  return { packages: out.list(), warnings };
}

/** Berry files start with a `__metadata` mapping; classic ones never have it. */
export function isBerryLock(content: string): boolean {
  return /^__metadata:/m.test(content.slice(0, 4096));
}

export function parseYarnLock(content: string): { packages: PackageRecord[]; warnings: string[] } {
  return isBerryLock(content) ? parseBerryYarnLock(content) : parseClassicYarnLock(content);
}

export const yarnLockAnalyzer: Analyzer = {
  id: 'yarn-lock',
  version: 1,
  description: 'yarn.lock of Yarn 1 (classic format) and Yarn 2+ (berry YAML), workspaces and patches left out',
  targets: ['fs'],
  maxBytes: 64 * 1024 * 1024,
  wants: (path) => basename(path) === 'yarn.lock' && !hasSegment(path, 'node_modules'),
  analyze({ content }) {
    const { packages, warnings } = parseYarnLock(content.toString('utf8'));
    if (!packages.length && !warnings.length) return null;
    return { packages, ...(warnings.length ? { warnings } : {}) };
  },
};
