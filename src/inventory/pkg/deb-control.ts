/**
 * The control-file syntax of dpkg's databases (deb-control(5)): stanzas of
 * `Field: value` lines separated by blank lines, continuation lines starting
 * with a space or tab. Field names are case-insensitive; they are returned
 * as written and looked up through `field()`.
 */
import type { WarningList } from './warnings.js';

export interface Stanza {
  /** 1-based line of the stanza's first field. */
  line: number;
  fields: Map<string, string>;
}

/** Fields kept per stanza past this are ignored (real stanzas have about 20). */
const MAX_FIELDS = 256;

export function parseControl(text: string, warnings: WarningList): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  let last: string | undefined;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);

    if (line.trim() === '') {
      current = undefined;
      last = undefined;
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (current && last !== undefined) current.fields.set(last, `${current.fields.get(last)}\n${line.slice(1)}`);
      else warnings.add(`line ${lineNo}: continuation line outside a field, skipped`);
      continue;
    }
    if (line[0] === '#') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      warnings.add(`line ${lineNo}: not a "Field: value" line, skipped`);
      continue;
    }
    if (!current) {
      current = { line: lineNo, fields: new Map() };
      stanzas.push(current);
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    if (current.fields.size >= MAX_FIELDS && !current.fields.has(name)) {
      last = undefined;
      continue;
    }
    current.fields.set(name, line.slice(colon + 1).trim());
    last = name;
  }
  return stanzas;
}

/** A field's value (names are case-insensitive), trimmed; undefined when absent. */
export function field(stanza: Stanza, name: string): string | undefined {
  return stanza.fields.get(name.toLowerCase())?.trim();
}
