/**
 * Go module requirements from `go.mod` in a source checkout (fs scans only:
 * images carry binaries, whose build info says what was really linked).
 *
 * - every `require` (single line or block) is a package; `// indirect`
 *   marks `indirect: true`. Since Go 1.17 go.mod lists the whole module
 *   graph the build uses, so this is the complete list for modules declaring
 *   `go 1.17` or later; older files name direct requirements only.
 * - `replace old [v] => new v` reports the replacement's path and version
 *   (`go.replaces` names the original); `=> ./dir` (a local directory) keeps
 *   the original path with version `(devel)` and `go.replacement`, as the Go
 *   binary analyzer does. A replace limited to a version applies to that
 *   version only.
 * - `exclude` and `retract` lines name versions the build does not use: not
 *   packages. `toolchain go1.x.y` yields `stdlib` at that version, as Trivy
 *   does; the `go` line (a minimum language version) does not.
 * - the module itself (`module` line) has no version in go.mod and is not
 *   reported; `go.sum` is not read (it lists hashes of every version ever
 *   considered, not the ones selected).
 */
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { basename } from '../../analyzer.js';
import { dependencyRecord, isLocalPath, stdlibVersion } from './binary.js';
import type { ModuleRef } from './modinfo.js';

const MAX_LINES = 100_000;
const MAX_WARNINGS = 10;

interface Require {
  ref: ModuleRef;
  indirect: boolean;
  line: number;
}

interface Replace {
  oldPath: string;
  oldVersion?: string;
  newPath: string;
  newVersion?: string;
}

export interface GoMod {
  module?: string;
  go?: string;
  toolchain?: string;
  requires: Require[];
  replaces: Replace[];
  excludes: ModuleRef[];
  warnings: string[];
}

/** Splits a go.mod line into tokens: bare words and "quoted" or `raw` strings; drops the comment. */
function tokenize(line: string): { tokens: string[]; comment: string } | null {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && line[i + 1] === '/') {
      return { tokens, comment: line.slice(i + 2).trim() };
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      let out = '';
      while (j < line.length && line[j] !== c) {
        if (c === '"' && line[j] === '\\' && j + 1 < line.length) j++;
        out += line[j];
        j++;
      }
      if (j >= line.length) return null;
      tokens.push(out);
      i = j + 1;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else if (c === '=' && line[i + 1] === '>') {
      tokens.push('=>');
      i += 2;
    } else {
      let j = i;
      while (j < line.length && !' \t\r()"`'.includes(line[j]!) && !(line[j] === '/' && line[j + 1] === '/') && !(line[j] === '=' && line[j + 1] === '>')) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}

export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { requires: [], replaces: [], excludes: [], warnings: [] };
  const warn = (m: string) => {
    if (mod.warnings.length < MAX_WARNINGS) mod.warnings.push(m);
  };
  const lines = text.split('\n', MAX_LINES);
  let block: string | undefined;
  lines.forEach((raw, index) => {
    const n = index + 1;
    const t = tokenize(raw);
    if (!t) {
      warn(`line ${n}: unterminated string`);
      return;
    }
    let { tokens } = t;
    if (tokens.length === 0) return;
    if (block !== undefined) {
      if (tokens[0] === ')') {
        block = undefined;
        return;
      }
      directive(block, tokens, t.comment, n);
      return;
    }
    const verb = tokens[0]!;
    tokens = tokens.slice(1);
    if (tokens[0] === '(') {
      if (tokens.length === 1) block = verb;
      else if (tokens[tokens.length - 1] === ')' && tokens.length === 2) return; // `require ()`
      else warn(`line ${n}: unexpected text after "${verb} ("`);
      return;
    }
    directive(verb, tokens, t.comment, n);
  });
  return mod;

  function directive(verb: string, args: string[], comment: string, n: number): void {
    switch (verb) {
      case 'module':
        if (args[0]) mod.module = args[0];
        return;
      case 'go':
        if (args[0]) mod.go = args[0];
        return;
      case 'toolchain':
        if (args[0]) mod.toolchain = args[0];
        return;
      case 'require': {
        const [path, version] = args;
        if (!path || !version || args.length !== 2) return warn(`line ${n}: malformed require`);
        mod.requires.push({ ref: { path, version }, indirect: /(^|;)\s*indirect\s*(;|$)/.test(comment), line: n });
        return;
      }
      case 'exclude': {
        const [path, version] = args;
        if (!path || !version) return warn(`line ${n}: malformed exclude`);
        mod.excludes.push({ path, version });
        return;
      }
      case 'replace': {
        const arrow = args.indexOf('=>');
        const left = args.slice(0, arrow);
        const right = args.slice(arrow + 1);
        if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) return warn(`line ${n}: malformed replace`);
        const r: Replace = { oldPath: left[0]!, newPath: right[0]! };
        if (left[1]) r.oldVersion = left[1];
        if (right[1]) r.newVersion = right[1];
        if (!r.newVersion && !isLocalPath(r.newPath)) return warn(`line ${n}: replacement ${r.newPath} has no version`);
        mod.replaces.push(r);
        return;
      }
      default:
        // godebug, retract, tool, ignore and directives from future Go versions.
        return;
    }
  }
}

export function goModPackages(mod: GoMod): PackageRecord[] {
  const packages: PackageRecord[] = [];
  const toolchain = mod.toolchain ? stdlibVersion(mod.toolchain) : null;
  if (toolchain) packages.push({ type: 'golang', name: 'stdlib', version: toolchain, properties: { 'go.toolchain': mod.toolchain! } });
  const seen = new Set<string>();
  for (const req of mod.requires) {
    // A later, more specific replace wins, as in the go command: version-specific over path-wide.
    const rep =
      mod.replaces.find((r) => r.oldPath === req.ref.path && r.oldVersion === req.ref.version) ??
      mod.replaces.find((r) => r.oldPath === req.ref.path && r.oldVersion === undefined);
    const ref: ModuleRef = { ...req.ref };
    if (rep) ref.replace = { path: rep.newPath, version: rep.newVersion ?? '(devel)' };
    const record = dependencyRecord(ref);
    if (req.indirect) record.indirect = true;
    const key = `${record.name}@${record.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    packages.push(record);
  }
  return packages;
}

export const goModAnalyzer: Analyzer = {
  id: 'go-mod',
  version: 1,
  description: 'Go module requirements from go.mod (replace directives applied, indirect requirements marked)',
  targets: ['fs'],
  maxBytes: 8 * 1024 * 1024,
  wants: (path) => path.endsWith('/go.mod') && basename(path) === 'go.mod',
  analyze({ content }) {
    const mod = parseGoMod(content.toString('utf8'));
    const packages = goModPackages(mod);
    if (!mod.module && packages.length === 0) {
      return mod.warnings.length ? { warnings: mod.warnings } : { warnings: ['no module directive: not a go.mod file'] };
    }
    const result: { packages: PackageRecord[]; warnings?: string[] } = { packages };
    if (mod.warnings.length) result.warnings = mod.warnings;
    return result;
  },
};
