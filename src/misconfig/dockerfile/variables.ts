/**
 * Docker's word processing for instruction arguments: quotes, the escape
 * character and `$VAR` / `${VAR}` / `${VAR:-default}` / `${VAR:+alt}`
 * substitution from ARG and ENV values.
 *
 * A linter does not know the build arguments a build will pass, so a
 * variable without a known value makes the result `complete: false` and the
 * checks that depend on the value stay quiet rather than guess.
 */

/** A known value, `null` for declared without a known value, `undefined` for not declared. */
export type Lookup = (name: string) => string | null | undefined;

export interface Processed {
  value: string;
  /** False when a variable had no known value (its text is left as written). */
  complete: boolean;
}

const MAX_DEPTH = 8;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Removes quotes and escapes and substitutes variables, the way Docker treats
 * the arguments of FROM, ENV, ARG, LABEL, USER, WORKDIR, EXPOSE, COPY and ADD.
 */
export function processWord(raw: string, lookup: Lookup, escapeChar = '\\'): Processed {
  const state = { complete: true };
  const value = processInner(raw, lookup, escapeChar, state, 0, true);
  return { value, complete: state.complete };
}

/** Substitutes variables only (no quote or escape handling): for text whose quoting is already resolved. */
export function substituteVariables(text: string, lookup: Lookup): Processed {
  const state = { complete: true };
  const value = processInner(text, lookup, '', state, 0, false);
  return { value, complete: state.complete };
}

function processInner(raw: string, lookup: Lookup, esc: string, state: { complete: boolean }, depth: number, quotes: boolean): string {
  let out = '';
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const c = raw[i]!;
    if (esc && c === esc && i + 1 < n) {
      out += raw[i + 1];
      i += 2;
    } else if (quotes && c === "'") {
      const end = raw.indexOf("'", i + 1);
      const stop = end < 0 ? n : end;
      out += raw.slice(i + 1, stop);
      i = stop + 1;
    } else if (quotes && c === '"') {
      i++;
      while (i < n && raw[i] !== '"') {
        const d = raw[i]!;
        if (esc && d === esc && i + 1 < n && (raw[i + 1] === '"' || raw[i + 1] === '$' || raw[i + 1] === esc)) {
          out += raw[i + 1];
          i += 2;
        } else if (d === '$') {
          const r = variable(raw, i, lookup, esc, state, depth);
          out += r.text;
          i = r.next;
        } else {
          out += d;
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      const r = variable(raw, i, lookup, esc, state, depth);
      out += r.text;
      i = r.next;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Expands the variable reference starting at `raw[at] === '$'`. */
function variable(
  raw: string,
  at: number,
  lookup: Lookup,
  esc: string,
  state: { complete: boolean },
  depth: number,
): { text: string; next: number } {
  const n = raw.length;
  const i = at + 1;
  if (raw[i] === '{') {
    // Find the matching brace, allowing nested ${…} in the default word.
    let level = 1;
    let j = i + 1;
    while (j < n && level > 0) {
      if (raw[j] === '{') level++;
      else if (raw[j] === '}') level--;
      if (level > 0) j++;
    }
    if (j >= n) {
      state.complete = false;
      return { text: raw.slice(at), next: n };
    }
    const inner = raw.slice(i + 1, j);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([\s\S]*))?$/.exec(inner);
    if (!m) {
      // ${#x}, ${x%y}, ${x/a/b}…: supported by newer frontends; value unknown here.
      state.complete = false;
      return { text: raw.slice(at, j + 1), next: j + 1 };
    }
    const name = m[1]!;
    const op = m[2];
    const word = m[3] ?? '';
    const v = lookup(name);
    const sub = (): string => (depth >= MAX_DEPTH ? ((state.complete = false), word) : processInner(word, lookup, esc, state, depth + 1, true));
    if (op === undefined) {
      if (typeof v === 'string') return { text: v, next: j + 1 };
      state.complete = false;
      return { text: raw.slice(at, j + 1), next: j + 1 };
    }
    if (v === null || v === undefined) {
      // Unknown: with a default the default is the likely value, but a build argument may replace it.
      if (op === ':-' || op === '-') {
        if (v === undefined) return { text: sub(), next: j + 1 };
        state.complete = false;
        return { text: sub(), next: j + 1 };
      }
      state.complete = false;
      return { text: '', next: j + 1 };
    }
    const empty = v === '';
    if (op === ':-') return { text: empty ? sub() : v, next: j + 1 };
    if (op === '-') return { text: v, next: j + 1 };
    if (op === ':+') return { text: empty ? '' : sub(), next: j + 1 };
    return { text: sub(), next: j + 1 }; // '+'
  }
  let j = i;
  while (j < n && NAME_CHAR.test(raw[j]!)) j++;
  if (j === i) return { text: '$', next: i };
  const name = raw.slice(i, j);
  const v = lookup(name);
  if (typeof v === 'string') return { text: v, next: j };
  state.complete = false;
  return { text: raw.slice(at, j), next: j };
}

/**
 * Splits instruction arguments on unquoted whitespace, keeping quotes and
 * escapes for `processWord`. Returns each word with its offset in `text`.
 */
export function splitWords(text: string, escapeChar = '\\'): Array<{ raw: string; start: number }> {
  const words: Array<{ raw: string; start: number }> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c === escapeChar && i + 1 < n) i += 2;
      else if (c === "'" || c === '"') {
        const end = text.indexOf(c, i + 1);
        i = end < 0 ? n : end + 1;
      } else i++;
    }
    words.push({ raw: text.slice(start, i), start });
  }
  return words;
}
