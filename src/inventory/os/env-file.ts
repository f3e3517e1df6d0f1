/**
 * The `KEY=value` format of os-release(5) and lsb-release: one assignment a
 * line, `#` comments, values quoted and escaped the way a POSIX shell would
 * read them (double quotes honour `\$ \" \\ \``, single quotes nothing,
 * unquoted text any backslash escape). Nothing is expanded or executed.
 */

/** Lines past this are not read: real files have a few dozen. */
const MAX_LINES = 2000;
const MAX_LINE_LENGTH = 4096;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface EnvFile {
  values: Map<string, string>;
  warnings: string[];
}

export function parseEnvFile(text: string): EnvFile {
  const values = new Map<string, string>();
  const warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) warnings.push(`only the first ${MAX_LINES} of ${lines.length} lines were read`);
  for (let n = 0; n < Math.min(lines.length, MAX_LINES); n++) {
    let line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.length > MAX_LINE_LENGTH) {
      warnings.push(`line ${n + 1} is longer than ${MAX_LINE_LENGTH} characters, skipped`);
      continue;
    }
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq) : '';
    if (!KEY.test(key)) {
      warnings.push(`line ${n + 1} is not a KEY=value assignment, skipped`);
      continue;
    }
    const value = unquote(line.slice(eq + 1));
    if (value.unterminated) warnings.push(`line ${n + 1} has an unterminated quote`);
    values.set(key, value.text);
  }
  return { values, warnings };
}

function unquote(raw: string): { text: string; unterminated: boolean } {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '"') {
      const end = scanDouble(raw, i + 1);
      out += end.text;
      if (end.next < 0) return { text: out, unterminated: true };
      i = end.next;
    } else if (c === "'") {
      const close = raw.indexOf("'", i + 1);
      if (close < 0) return { text: out + raw.slice(i + 1), unterminated: true };
      out += raw.slice(i + 1, close);
      i = close + 1;
    } else if (c === '\\') {
      if (i + 1 < raw.length) out += raw[i + 1];
      i += 2;
    } else if (c === ' ' || c === '\t') {
      // An unquoted blank ends the value; what follows can only be a comment.
      break;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, unterminated: false };
}

/** Reads a double-quoted run starting after the opening quote; `next` is -1 when it never closes. */
function scanDouble(raw: string, start: number): { text: string; next: number } {
  let text = '';
  for (let i = start; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '"') return { text, next: i + 1 };
    if (c === '\\' && i + 1 < raw.length && '$"\\`'.includes(raw[i + 1]!)) {
      text += raw[i + 1];
      i++;
      continue;
    }
    text += c;
  }
  return { text, next: -1 };
}
