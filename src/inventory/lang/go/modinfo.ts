/**
 * The modinfo text of Go build info (what `go version -m` prints), one
 * tab-separated directive per line:
 *
 *   path   <main package path>
 *   mod    <main module path> <version> [<sum>]
 *   dep    <module path> <version> [<sum>]
 *   =>     <replacement path> <version> [<sum>]   (replaces the line before)
 *   build  <key>=<value>                          (Go ≥ 1.18; quoted when needed)
 */

export interface ModuleRef {
  path: string;
  version: string;
  sum?: string;
  replace?: ModuleRef;
}

export interface ModInfo {
  /** Import path of the main package. */
  path?: string;
  main?: ModuleRef;
  deps: ModuleRef[];
  settings: Map<string, string>;
  /** Lines that did not parse, by number (1-based). */
  bad: number[];
}

const MAX_LINES = 200_000;
const MAX_SETTINGS = 1000;

export function parseModInfo(text: string): ModInfo {
  const info: ModInfo = { deps: [], settings: new Map(), bad: [] };
  const lines = text.split('\n', MAX_LINES);
  let last: ModuleRef | undefined;
  lines.forEach((line, i) => {
    if (line === '') return;
    const tab = line.indexOf('\t');
    const verb = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (verb) {
      case 'path':
        info.path = rest;
        last = undefined;
        return;
      case 'mod':
      case 'dep': {
        const m = moduleRef(rest);
        if (!m) break;
        if (verb === 'mod') info.main = m;
        else info.deps.push(m);
        last = m;
        return;
      }
      case '=>': {
        const m = moduleRef(rest, true);
        if (!m || !last || last.replace) break;
        last.replace = m;
        return;
      }
      case 'build': {
        const setting = parseSetting(rest);
        if (!setting) break;
        if (info.settings.size < MAX_SETTINGS) info.settings.set(setting[0], setting[1]);
        return;
      }
      case 'go':
        // `go` lines (the toolchain version) appear in some versions' text; the header has it too.
        return;
      default:
        break;
    }
    if (info.bad.length < 10) info.bad.push(i + 1);
  });
  return info;
}

function moduleRef(rest: string, isReplacement = false): ModuleRef | null {
  const [path, version, sum] = rest.split('\t');
  if (!path) return null;
  // A replacement by a local directory has the version `(devel)` or, in old binaries, none.
  if (!version && !isReplacement) return null;
  const m: ModuleRef = { path, version: version || '(devel)' };
  if (sum) m.sum = sum;
  return m;
}

/** `key=value`, where key or value may be Go-quoted when they contain spaces, tabs, `=`, quotes or newlines. */
function parseSetting(rest: string): [string, string] | null {
  let key: string;
  let after: string;
  if (rest.startsWith('"')) {
    const q = readQuoted(rest);
    if (!q) return null;
    key = q.value;
    after = rest.slice(q.end);
  } else {
    const eq = rest.indexOf('=');
    if (eq < 0) return null;
    key = rest.slice(0, eq);
    after = rest.slice(eq);
  }
  if (!after.startsWith('=') || key === '') return null;
  const raw = after.slice(1);
  if (raw.startsWith('"')) {
    const q = readQuoted(raw);
    return q && q.end === raw.length ? [key, q.value] : null;
  }
  return [key, raw];
}

/** A Go double-quoted string at the start of `s`; common escapes only, others kept as written. */
function readQuoted(s: string): { value: string; end: number } | null {
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === undefined) return null;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'" };
    if (simple[n] !== undefined) out += simple[n];
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += `\\${n}`;
  }
  return null;
}
