/**
 * Just enough of the POSIX shell grammar to lint RUN instructions: words with
 * quotes removed, simple commands joined by `&&`, `||`, `;`, `|` and `&`,
 * subshell depth, redirections and here-documents. Nothing is executed or
 * expanded; `$(…)` and backticks stay inside their word.
 *
 * Linear in the input and bounded: at most MAX_COMMANDS commands per script.
 */

export interface ShellWord {
  /** The word with quotes and escapes removed; variable references left as written. */
  value: string;
  /** As `value`, with literal (quoted or escaped) dollars as U+0000 so that substitution skips them. */
  template: string;
  /** Offsets in the script. */
  start: number;
  end: number;
  quoted: boolean;
  /** Contains `$…`, `$(…)` or backticks. */
  expands: boolean;
}

export interface Redirect {
  op: string;
  fd?: string;
  target?: ShellWord;
  /** Body of a `<<WORD` here-document, when the script contains it. */
  heredocBody?: string;
}

export interface ShellCommand {
  words: ShellWord[];
  redirects: Redirect[];
  /** Operator after the command: `&&`, `||`, `;`, `|`, `&`, or `` at the end of the script. Newlines count as `;`. */
  op: string;
  /** Nesting in `( … )` subshells. */
  depth: number;
  start: number;
  end: number;
}

export interface ShellScript {
  commands: ShellCommand[];
  truncated: boolean;
}

export const MAX_COMMANDS = 5000;

const REDIRECT_OPS = ['&>>', '<<<', '<<-', '&>', '<<', '<>', '<&', '>>', '>&', '>|', '<', '>'];

export function parseShell(s: string): ShellScript {
  const n = s.length;
  const commands: ShellCommand[] = [];
  let truncated = false;
  let words: ShellWord[] = [];
  let redirects: Redirect[] = [];
  let depth = 0;
  let cmdStart = -1;
  let pendingRedirect: Redirect | null = null;
  let pendingHeredocs: Array<{ delim: string; strip: boolean; redirect: Redirect }> = [];
  let w: Omit<ShellWord, 'end'> | null = null;

  const startWord = (i: number): Omit<ShellWord, 'end'> => {
    if (!w) w = { value: '', template: '', start: i, quoted: false, expands: false };
    if (cmdStart < 0) cmdStart = i;
    return w;
  };
  const endWord = (i: number): void => {
    if (!w) return;
    const word: ShellWord = { ...w, end: i };
    w = null;
    if (pendingRedirect) {
      pendingRedirect.target = word;
      if (pendingRedirect.op === '<<' || pendingRedirect.op === '<<-') {
        pendingHeredocs.push({ delim: word.value, strip: pendingRedirect.op === '<<-', redirect: pendingRedirect });
      }
      pendingRedirect = null;
    } else {
      words.push(word);
    }
  };
  const endCommand = (op: string, i: number): void => {
    endWord(i);
    pendingRedirect = null;
    if (words.length || redirects.length) {
      if (commands.length >= MAX_COMMANDS) {
        truncated = true;
      } else {
        commands.push({ words, redirects, op, depth, start: cmdStart < 0 ? i : cmdStart, end: i });
      }
    } else if (commands.length && op !== ';' && op !== '') {
      // `( a ) | b`: the operator after a closing parenthesis belongs to the command inside.
      commands[commands.length - 1]!.op = op;
    }
    words = [];
    redirects = [];
    cmdStart = -1;
  };

  /** Index of the `)` matching the `(` at `open`, skipping quoted text; `n - 1` when unbalanced. */
  const matchParen = (open: number): number => {
    let level = 0;
    let i = open;
    while (i < n) {
      const c = s[i]!;
      if (c === '\\') i += 2;
      else if (c === "'") {
        const e = s.indexOf("'", i + 1);
        i = e < 0 ? n : e + 1;
      } else if (c === '"') {
        i++;
        while (i < n && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
        i++;
      } else {
        if (c === '(') level++;
        else if (c === ')') {
          level--;
          if (level === 0) return i;
        }
        i++;
      }
    }
    return n - 1;
  };
  const matchBrace = (open: number): number => {
    let level = 0;
    for (let i = open; i < n; i++) {
      if (s[i] === '{') level++;
      else if (s[i] === '}' && --level === 0) return i;
    }
    return n - 1;
  };
  const append = (word: Omit<ShellWord, 'end'>, text: string, literalDollar: boolean): void => {
    word.value += text;
    word.template += literalDollar ? text.replaceAll('$', '\u0000') : text;
  };
  /** Reads `$…` at `i` into the current word; returns the next index. */
  const readDollar = (i: number): number => {
    const word = startWord(i);
    const next = s[i + 1];
    if (next === '(') {
      const end = matchParen(i + 1);
      append(word, s.slice(i, end + 1), false);
      word.expands = true;
      return end + 1;
    }
    if (next === '{') {
      const end = matchBrace(i + 1);
      append(word, s.slice(i, end + 1), false);
      word.expands = true;
      return end + 1;
    }
    if (next === "'") {
      let j = i + 2;
      let text = '';
      while (j < n && s[j] !== "'") {
        if (s[j] === '\\' && j + 1 < n) {
          const e = s[j + 1]!;
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else text += s[j++];
      }
      append(word, text, true);
      word.quoted = true;
      return j + 1;
    }
    if (next !== undefined && /[A-Za-z_]/.test(next)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      append(word, s.slice(i, j), false);
      word.expands = true;
      return j;
    }
    if (next !== undefined && /[@*#?$!0-9-]/.test(next)) {
      append(word, s.slice(i, i + 2), false);
      word.expands = true;
      return i + 2;
    }
    append(word, '$', true);
    return i + 1;
  };
  const readDouble = (i: number): number => {
    const word = startWord(i);
    word.quoted = true;
    let j = i + 1;
    while (j < n && s[j] !== '"') {
      const c = s[j]!;
      if (c === '\\' && j + 1 < n) {
        const e = s[j + 1]!;
        if (e === '\n') {
          j += 2;
        } else if (e === '$' || e === '`' || e === '"' || e === '\\') {
          append(word, e, true);
          j += 2;
        } else {
          append(word, c, false);
          j++;
        }
      } else if (c === '$') {
        j = readDollar(j);
      } else if (c === '`') {
        const e = s.indexOf('`', j + 1);
        const stop = e < 0 ? n - 1 : e;
        append(word, s.slice(j, stop + 1), false);
        word.expands = true;
        j = stop + 1;
      } else {
        append(word, c, false);
        j++;
      }
    }
    return j + 1;
  };
  const readHeredocs = (i: number): number => {
    let j = i;
    for (const h of pendingHeredocs) {
      let body = '';
      while (j < n) {
        const nl = s.indexOf('\n', j);
        const stop = nl < 0 ? n : nl;
        const line = s.slice(j, stop);
        j = stop + 1;
        if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) break;
        body += line + '\n';
      }
      h.redirect.heredocBody = body;
    }
    pendingHeredocs = [];
    return Math.min(j, n);
  };

  let i = 0;
  while (i < n) {
    if (truncated) break;
    const c = s[i]!;
    if (c === '\n') {
      endCommand(';', i);
      i++;
      if (pendingHeredocs.length) i = readHeredocs(i);
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord(i);
      i++;
    } else if (c === '#' && !w) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? n : nl;
    } else if (c === '\\') {
      if (s[i + 1] === '\n') {
        i += 2;
      } else if (i + 1 < n) {
        const word = startWord(i);
        append(word, s[i + 1]!, true);
        word.quoted = true;
        i += 2;
      } else i++;
    } else if (c === "'") {
      const word = startWord(i);
      const e = s.indexOf("'", i + 1);
      const stop = e < 0 ? n : e;
      append(word, s.slice(i + 1, stop), true);
      word.quoted = true;
      i = stop + 1;
    } else if (c === '"') {
      i = readDouble(i);
    } else if (c === '$') {
      i = readDollar(i);
    } else if (c === '`') {
      const word = startWord(i);
      const e = s.indexOf('`', i + 1);
      const stop = e < 0 ? n - 1 : e;
      append(word, s.slice(i, stop + 1), false);
      word.expands = true;
      i = stop + 1;
    } else if (c === '&' && s[i + 1] === '&') {
      endCommand('&&', i);
      i += 2;
    } else if (c === '|' && s[i + 1] === '|') {
      endCommand('||', i);
      i += 2;
    } else if (c === '|') {
      endCommand('|', i);
      i += s[i + 1] === '&' ? 2 : 1;
    } else if (c === ';') {
      endCommand(';', i);
      i += s[i + 1] === ';' ? 2 : 1;
    } else if (c === '&' && s[i + 1] !== '>') {
      endCommand('&', i);
      i++;
    } else if (c === '(' && !w) {
      endCommand(';', i);
      depth++;
      i++;
    } else if (c === ')') {
      endCommand(';', i);
      depth = Math.max(0, depth - 1);
      i++;
    } else if ((c === '<' || c === '>') && s[i + 1] === '(') {
      // Process substitution <(…) is one word.
      const word = startWord(i);
      const end = matchParen(i + 1);
      append(word, s.slice(i, end + 1), false);
      word.expands = true;
      i = end + 1;
    } else if (c === '<' || c === '>' || (c === '&' && s[i + 1] === '>')) {
      let fd: string | undefined;
      const cur = w as Omit<ShellWord, 'end'> | null;
      if (cur && !cur.quoted && /^\d+$/.test(cur.value)) {
        fd = cur.value;
        w = null;
      } else endWord(i);
      if (cmdStart < 0) cmdStart = i;
      const op = REDIRECT_OPS.find((o) => s.startsWith(o, i)) ?? c;
      i += op.length;
      const r: Redirect = { op };
      if (fd !== undefined) r.fd = fd;
      redirects.push(r);
      pendingRedirect = r;
    } else {
      const word = startWord(i);
      append(word, c, false);
      i++;
    }
  }
  endCommand('', n);
  return { commands, truncated };
}

export interface Invocation {
  /** Program name without its directory (`apt-get`, `pip3`). */
  name: string;
  program: ShellWord;
  args: ShellWord[];
  command: ShellCommand;
  /** Index of the command in the script. */
  index: number;
  /** Wrapper programs stripped before the program (`sudo`, `env`, `xargs`…). */
  wrappers: string[];
  /** `NAME=value` words before the program. */
  assignments: Map<string, string>;
}

const RESERVED_PREFIX = new Set(['!', '{', '}', 'if', 'then', 'else', 'elif', 'do', 'while', 'until', 'fi', 'done', 'esac', 'time']);
/** Wrappers and their options that take a value. */
const WRAPPERS: Record<string, { valueOpts: Set<string>; operands?: number; assignments?: boolean }> = {
  sudo: { valueOpts: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--chdir']) },
  env: { valueOpts: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']), assignments: true },
  nice: { valueOpts: new Set(['-n', '--adjustment']) },
  ionice: { valueOpts: new Set(['-c', '-n', '-p', '--class', '--classdata']) },
  nohup: { valueOpts: new Set() },
  command: { valueOpts: new Set() },
  exec: { valueOpts: new Set(['-a']) },
  eatmydata: { valueOpts: new Set() },
  stdbuf: { valueOpts: new Set(['-i', '-o', '-e']) },
  timeout: { valueOpts: new Set(['-s', '-k', '--signal', '--kill-after']), operands: 1 },
  gosu: { valueOpts: new Set(), operands: 1 },
  'su-exec': { valueOpts: new Set(), operands: 1 },
  xargs: { valueOpts: new Set(['-I', '-i', '-n', '-P', '-d', '-a', '-E', '-L', '-s', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--replace', '--max-lines', '--max-chars']) },
};

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;

/** True when `word` is an unquoted `NAME=value` assignment. */
function assignment(word: ShellWord, script: string): string | null {
  const m = ASSIGNMENT.exec(word.value);
  if (!m) return null;
  return script.startsWith(m[1]!, word.start) ? m[1]! : null;
}

export function basenameOf(program: string): string {
  const i = program.lastIndexOf('/');
  return i < 0 ? program : program.slice(i + 1);
}

/** The programs a script runs, with leading assignments, reserved words and wrappers stripped. */
export function invocations(script: ShellScript, text: string): Invocation[] {
  const out: Invocation[] = [];
  script.commands.forEach((command, index) => {
    let words = command.words;
    const wrappers: string[] = [];
    const assignments = new Map<string, string>();
    for (let guard = 0; guard < 16 && words.length; guard++) {
      const first = words[0]!;
      if (!first.quoted && RESERVED_PREFIX.has(first.value)) {
        words = words.slice(1);
        continue;
      }
      const name = assignment(first, text);
      if (name) {
        assignments.set(name, first.value.slice(first.value.indexOf('=') + 1));
        words = words.slice(1);
        continue;
      }
      const wrapper = WRAPPERS[basenameOf(first.value)];
      if (!wrapper || words.length < 2) break;
      wrappers.push(basenameOf(first.value));
      let j = 1;
      while (j < words.length) {
        const v = words[j]!.value;
        if (v === '--') {
          j++;
          break;
        }
        if (wrapper.assignments && assignment(words[j]!, text)) {
          const a = words[j]!.value;
          assignments.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
          j++;
          continue;
        }
        if (!v.startsWith('-') || v === '-') break;
        j += wrapper.valueOpts.has(v) ? 2 : 1;
      }
      j += wrapper.operands ?? 0;
      words = words.slice(j);
    }
    if (!words.length) return;
    const program = words[0]!;
    out.push({ name: basenameOf(program.value), program, args: words.slice(1), command, index, wrappers, assignments });
  });
  return out;
}

export interface ParsedOptions {
  /** Options as written (`-y`, `--no-cache`), short clusters split (`-yq` → `-y`, `-q`). */
  options: Array<{ name: string; value?: string }>;
  operands: ShellWord[];
}

/** Splits arguments into options and operands; `valueOpts` lists options that take a value. */
export function parseOptions(args: readonly ShellWord[], valueOpts: ReadonlySet<string> = new Set()): ParsedOptions {
  const options: ParsedOptions['options'] = [];
  const operands: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq > 0) options.push({ name: v.slice(0, eq), value: v.slice(eq + 1) });
      else if (valueOpts.has(v) && i + 1 < args.length) options.push({ name: v, value: args[++i]!.value });
      else options.push({ name: v });
    } else if (v.startsWith('-') && v.length > 1 && !args[i]!.quoted) {
      for (let k = 1; k < v.length; k++) {
        const name = `-${v[k]}`;
        if (valueOpts.has(name)) {
          const rest = v.slice(k + 1);
          if (rest) options.push({ name, value: rest });
          else if (i + 1 < args.length) options.push({ name, value: args[++i]!.value });
          else options.push({ name });
          break;
        }
        options.push({ name });
      }
    } else {
      operands.push(args[i]!);
    }
  }
  return { options, operands };
}

export function hasOption(p: ParsedOptions, ...names: string[]): boolean {
  return p.options.some((o) => names.includes(o.name));
}

export function optionValues(p: ParsedOptions, ...names: string[]): string[] {
  return p.options.filter((o) => names.includes(o.name) && o.value !== undefined).map((o) => o.value!);
}
