/**
 * Reads a rule file as YAML with positions: every top-level item keeps its
 * node so that keys and values can be located (file:line:column), and a
 * condition scalar gets a mapper from an offset in its text back to the
 * file. Aliases are capped (YAML bombs), and so is the file size.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLMap } from 'yaml';
import { BulkheadError } from '../../core/errors.js';
import type { Problem, TextOrigin } from './model.js';

export const MAX_RULE_FILE_BYTES = 16 * 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;

export interface RawItem {
  /** The item's map node, or undefined for a null item. */
  map?: YAMLMap;
  /** Non-map item (string, list…): reported as an error by the loader. */
  other?: Node;
  line: number;
  col: number;
  doc: Document.Parsed;
}

export class YamlFile {
  readonly lines = new LineCounter();
  readonly items: RawItem[] = [];

  constructor(
    readonly path: string,
    readonly text: string,
    problems: Problem[],
  ) {
    if (text.length > MAX_RULE_FILE_BYTES) {
      throw new BulkheadError('LIMIT_EXCEEDED', `${path} is ${text.length} characters long, more than the ${MAX_RULE_FILE_BYTES} a rule file may be`, {
        where: path,
        hint: 'split the rules into several files',
      });
    }
    const parsed = parseAllDocuments(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    const docs = (Array.isArray(parsed) ? parsed : [parsed]) as Document.Parsed[];
    for (const doc of docs) {
      for (const err of doc.errors) {
        const p = this.pos(err.pos[0]);
        problems.push({ message: `YAML error: ${err.message.split('\n')[0]}`, file: path, line: p.line, col: p.col });
      }
      if (doc.errors.length > 0) continue;
      const root = doc.contents;
      if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) continue;
      if (!isSeq(root)) {
        const p = this.pos(root.range?.[0] ?? 0);
        problems.push({ message: 'a rule file is a YAML list of items (- rule: …, - macro: …, - list: …)', file: path, line: p.line, col: p.col });
        continue;
      }
      for (const it of root.items) {
        const node = it as Node | null;
        const off = node?.range?.[0] ?? root.range?.[0] ?? 0;
        const p = this.pos(off);
        if (node === null || (isScalar(node) && node.value === null)) this.items.push({ line: p.line, col: p.col, doc });
        else if (isMap(node)) this.items.push({ map: node, line: p.line, col: p.col, doc });
        else this.items.push({ other: node, line: p.line, col: p.col, doc });
      }
    }
  }

  pos(offset: number): { line: number; col: number } {
    const lp = this.lines.linePos(offset);
    return { line: lp.line, col: lp.col };
  }

  /** JS value of a node, with aliases capped. */
  toJS(node: Node | undefined | null, doc: Document.Parsed): unknown {
    if (node === undefined || node === null) return undefined;
    try {
      return node.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      if (err instanceof ReferenceError || /alias/i.test(String((err as Error).message))) {
        const p = this.pos(node.range?.[0] ?? 0);
        throw new BulkheadError('RULES_INVALID', `too many YAML aliases (more than ${MAX_ALIAS_COUNT}): ${(err as Error).message}`, {
          where: `${this.path}:${p.line}:${p.col}`,
          hint: 'expand the aliases; rule files do not need YAML anchors at this scale',
        });
      }
      throw err;
    }
  }

  /** A text origin for a scalar: maps offsets in its value back to file positions. */
  scalarOrigin(node: Node, value: string, item: string): TextOrigin {
    const text = this.text;
    const range = node.range;
    const type = isScalar(node) ? node.type : undefined;
    let offsets: number[] | undefined;
    const build = (): number[] => {
      const out: number[] = [];
      if (!range) return out;
      let i = range[0];
      const end = range[1];
      if (type === 'BLOCK_FOLDED' || type === 'BLOCK_LITERAL') {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? end : nl + 1;
      } else if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') {
        i++;
      }
      for (; i < end; i++) {
        const c = text[i]!;
        if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
        if (type === 'QUOTE_DOUBLE' && c === '\\') {
          out.push(i);
          i++;
          continue;
        }
        if (type === 'QUOTE_SINGLE' && c === "'" && text[i + 1] === "'") {
          out.push(i);
          i++;
          continue;
        }
        if ((type === 'QUOTE_DOUBLE' && c === '"') || (type === 'QUOTE_SINGLE' && c === "'")) break;
        out.push(i);
      }
      return out;
    };
    return {
      file: this.path,
      item,
      map: (idx) => {
        if (!range) return undefined;
        offsets ??= build();
        let k = 0;
        const lim = Math.min(idx, value.length);
        for (let j = 0; j < lim; j++) {
          const c = value[j]!;
          if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') k++;
        }
        const off = offsets[k] ?? offsets[offsets.length - 1] ?? range[0];
        return this.pos(off);
      },
    };
  }
}
