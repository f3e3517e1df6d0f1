/**
 * Command-line flags of a Kubernetes component, as written in a static pod
 * manifest (command + args) or a kubelet flags file, with where each came
 * from so a finding points at the flag's own line.
 *
 * The forms pflag and Go's flag package accept: `--name=value`,
 * `--name value` (the next word, when it does not look like a flag; `-`
 * alone is a value), a bare `--name` (boolean true), and one-dash `-name`.
 * Underscores in names read as dashes (the components normalise them).
 * Repeated flags are kept in order: scalar flags take the last value, list
 * flags (`--enable-admission-plugins`, `--tls-cipher-suites`, …) and
 * `--feature-gates` accumulate, as pflag's slice and map flags do.
 */
import type { FieldPath } from '../input/object.js';

export interface Word {
  text: string;
  /** Where the word sits: an item of command/args in a manifest. */
  path?: FieldPath;
  /** Where the word sits: a line of a text file… */
  line?: number;
  /** …and that file, when flags come from several. */
  file?: string;
}

export interface FlagValue {
  name: string;
  /** undefined for a bare boolean flag. */
  value: string | undefined;
  /** As written, for evidence. */
  raw: string;
  path?: FieldPath;
  line?: number;
  file?: string;
}

/** Words looked at per command line: a component has a few dozen flags. */
const MAX_WORDS = 4096;

export class FlagSet {
  private readonly byName = new Map<string, FlagValue[]>();

  constructor(readonly flags: readonly FlagValue[]) {
    for (const f of flags) {
      const list = this.byName.get(f.name);
      if (list) list.push(f);
      else this.byName.set(f.name, [f]);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  all(name: string): readonly FlagValue[] {
    return this.byName.get(name) ?? [];
  }

  /** The value that takes effect for a scalar flag: the last one. */
  last(name: string): FlagValue | undefined {
    const list = this.byName.get(name);
    return list?.[list.length - 1];
  }

  /** Items of a list flag over all its occurrences (`--x=a,b --x=c` → a, b, c), each with its flag. */
  items(name: string): Array<{ item: string; flag: FlagValue }> {
    return this.all(name).flatMap((flag) =>
      (flag.value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
        .map((item) => ({ item, flag })),
    );
  }

  /** A boolean flag: undefined when absent or unreadable, with the flag that decided. */
  bool(name: string): { value: boolean | undefined; flag: FlagValue } | undefined {
    const flag = this.last(name);
    if (!flag) return undefined;
    return { value: flag.value === undefined ? true : parseBool(flag.value), flag };
  }

  /** `--feature-gates=A=true,B=false`, merged over all occurrences (later wins). */
  featureGate(gate: string): { value: boolean | undefined; flag: FlagValue } | undefined {
    let found: { value: boolean | undefined; flag: FlagValue } | undefined;
    for (const { item, flag } of this.items('feature-gates')) {
      const eq = item.indexOf('=');
      if (eq < 0 || item.slice(0, eq).trim() !== gate) continue;
      found = { value: parseBool(item.slice(eq + 1).trim()), flag };
    }
    return found;
  }
}

/** Go's strconv.ParseBool. */
export function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

const unquote = (s: string): string => (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s);

/** Flags among words (the binary name and positional words are skipped). */
export function parseFlags(words: readonly Word[]): FlagSet {
  const out: FlagValue[] = [];
  const list = words.slice(0, MAX_WORDS);
  for (let i = 0; i < list.length; i++) {
    const w = list[i]!;
    const text = w.text.trim();
    if (!/^--?[A-Za-z]/.test(text)) continue;
    const body = text.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name: string;
    let value: string | undefined;
    let raw = text;
    if (eq >= 0) {
      name = body.slice(0, eq);
      value = unquote(body.slice(eq + 1));
    } else {
      name = body;
      const next = list[i + 1]?.text.trim();
      if (next !== undefined && (next === '-' || !next.startsWith('-'))) {
        value = unquote(next);
        raw = `${text} ${next}`;
        i++;
      }
    }
    const flag: FlagValue = { name: name.replace(/_/g, '-'), value, raw: raw.slice(0, 300) };
    if (w.path) flag.path = w.path;
    if (w.line !== undefined) flag.line = w.line;
    if (w.file !== undefined) flag.file = w.file;
    out.push(flag);
  }
  return new FlagSet(out);
}

/**
 * Shell-like words of a script (`sh -c "exec kube-apiserver --a=b"`, a
 * systemd ExecStart, a kubeadm-flags.env line): split on blanks, quotes kept
 * together and removed, `\` line continuations joined, comments dropped.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  const re = /(?:[^\s"'\\#]|\\.|"(?:[^"\\]|\\.){0,8192}"|'[^']{0,8192}')+|#[^\n]*/gs;
  const src = text.slice(0, 1024 * 1024).replace(/\\\r?\n/g, ' ');
  for (let m = re.exec(src); m && words.length < MAX_WORDS; m = re.exec(src)) {
    if (m[0].startsWith('#')) continue;
    words.push(m[0].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_all, d: string | undefined, s: string | undefined) => (d !== undefined ? d.replace(/\\(.)/g, '$1') : (s ?? ''))));
  }
  return words;
}
