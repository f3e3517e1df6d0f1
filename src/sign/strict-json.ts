/**
 * JSON for signed documents: JSON.parse accepts duplicate keys (last one
 * wins) and any depth, and different readers of the same signed bytes must
 * not disagree on what they say. This checks the text first — syntax,
 * duplicate keys, nesting depth, size — and only then hands it to JSON.parse.
 */

export type StrictJson = { ok: true; value: unknown } | { ok: false; reason: string; offset: number };

export interface StrictJsonLimits {
  maxBytes?: number;
  maxDepth?: number;
}

class Stop extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function parseStrictJson(text: string, limits: StrictJsonLimits = {}): StrictJson {
  const maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
  const maxDepth = limits.maxDepth ?? 64;
  if (text.length > maxBytes) return { ok: false, reason: `larger than ${maxBytes} bytes`, offset: 0 };
  let i = 0;
  const n = text.length;
  const fail = (reason: string): never => {
    throw new Stop(reason, i);
  };
  const ws = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('bad escape');
      } else i++;
    }
    return fail('unterminated string');
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number): void => {
    if (depth > maxDepth) fail(`nested deeper than ${maxDepth}`);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        if (keys.has(key)) fail(`duplicate key "${key.slice(0, 64)}"`);
        keys.add(key);
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0].length > 0) {
      i += m[0].length;
      return;
    }
    fail(i >= n ? 'unexpected end of input' : 'unexpected character');
  };
  try {
    value(0);
    ws();
    if (i !== n) fail('trailing data after the JSON value');
  } catch (e) {
    if (e instanceof Stop) return { ok: false, reason: e.reason, offset: e.offset };
    throw e;
  }
  return { ok: true, value: JSON.parse(text) as unknown };
}

/** Go's encoding/json string form: like JSON.stringify but with <, >, &, U+2028, U+2029 escaped. */
export function goJsonString(value: string): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
