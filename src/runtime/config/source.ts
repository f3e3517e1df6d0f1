/**
 * The input text as values plus a way back to lines: every document (YAML
 * multi-document streams, or one JSON text, which YAML 1.2 reads too) is
 * parsed once with a LineCounter, and a JSON path maps to the line range of
 * its node, or of its nearest existing ancestor when the field is absent.
 */
import { isCollection, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { BulkheadError } from '../../core/errors.js';

export type JsonPath = Array<string | number>;

export const MAX_INPUT_BYTES = 32 * 1024 * 1024;
export const MAX_DEPTH = 256;

export class SourceText {
  private constructor(
    readonly file: string,
    private readonly docs: Document.Parsed[],
    readonly values: unknown[],
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string, file: string): SourceText {
    if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
      throw new BulkheadError('LIMIT_EXCEEDED', `${file} is larger than ${MAX_INPUT_BYTES} bytes`, { where: file, hint: 'check one container or pod at a time' });
    }
    checkNesting(text, file);
    const lines = new LineCounter();
    let docs: Document.Parsed[];
    try {
      docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
    } catch (e) {
      throw new BulkheadError('CONFIG_INVALID', `cannot parse ${file}: ${(e as Error).message}`, { where: file, hint: 'the file must be JSON or YAML' });
    }
    if (!Array.isArray(docs)) docs = [docs];
    const values: unknown[] = [];
    for (const doc of docs) {
      const err = doc.errors[0];
      if (err) {
        const pos = lines.linePos(err.pos[0]);
        throw new BulkheadError('CONFIG_INVALID', `cannot parse ${file}: ${err.message.split('\n')[0]}`, {
          where: `${file}:${pos.line}:${pos.col}`,
          hint: 'the file must be `docker inspect` JSON, an OCI config.json or Kubernetes YAML/JSON',
        });
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        throw new BulkheadError('CONFIG_INVALID', `cannot read ${file}: ${(e as Error).message}`, { where: file, hint: 'remove YAML aliases that expand too much' });
      }
      if (value !== null && value !== undefined) values.push(value);
    }
    return new SourceText(
      file,
      docs.filter((d) => {
        const v = d.contents;
        return v !== null && v !== undefined;
      }),
      values,
      lines,
    );
  }

  /** Lines of the node at `path` in document `doc`, or of its nearest ancestor that exists. */
  lineRange(doc: number, path: JsonPath): { startLine: number; endLine: number } | undefined {
    const d = this.docs[doc];
    if (!d) return undefined;
    let node: Node | null | undefined = d.contents as Node | null;
    let found: Node | null | undefined = node;
    for (const key of path) {
      if (!node || !isCollection(node)) break;
      const next = node.get(key, true) as Node | undefined;
      if (next === undefined || next === null) break;
      node = next;
      found = next;
    }
    const range = found?.range;
    if (!range) return undefined;
    const start = this.lines.linePos(range[0]).line;
    const end = this.lines.linePos(Math.max(range[0], range[1] - 1)).line;
    return { startLine: start, endLine: Math.max(start, end) };
  }
}

/** Refuse absurd nesting before any recursive parser sees it. */
function checkNesting(text: string, file: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) {
        throw new BulkheadError('LIMIT_EXCEEDED', `${file} nests deeper than ${MAX_DEPTH} levels`, { where: file, hint: 'this is not a container configuration' });
      }
    } else if (c === 0x5d || c === 0x7d) depth = Math.max(0, depth - 1);
  }
}

/** `a.b[0].c` for messages. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? (out ? `.${p}` : p) : `[${JSON.stringify(p)}]`;
  return out || '(document)';
}
