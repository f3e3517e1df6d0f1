/**
 * Reads one item of a rule file (a YAML map) with positions: typed accessors
 * for its keys that record a problem (file:line:column, item name) instead
 * of throwing, the condition as located text, and the exceptions list.
 */
import { isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { condText, type CondText, type ExceptionDef, type Location, type Problem } from './model.js';
import type { YamlFile } from './yaml-source.js';

export class ItemReader {
  constructor(
    readonly file: YamlFile,
    readonly map: YAMLMap,
    readonly doc: Document.Parsed,
    readonly kind: 'rule' | 'macro' | 'list' | 'other',
    readonly name: string,
    readonly loc: Location,
    private readonly problems: Problem[],
  ) {}

  get label(): string {
    return this.kind === 'other' ? 'item' : `${this.kind} "${this.name}"`;
  }

  keys(): string[] {
    return this.map.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  node(key: string): Node | undefined {
    const n = this.map.get(key, true) as Node | undefined;
    return n ?? undefined;
  }

  locOf(key?: string): Location {
    const n = key === undefined ? undefined : (this.node(key) ?? this.map.items.find((p) => isScalar(p.key) && p.key.value === key)?.key);
    const off = (n as Node | undefined)?.range?.[0];
    if (off === undefined) return this.loc;
    const p = this.file.pos(off);
    return { file: this.file.path, line: p.line, col: p.col };
  }

  fail(message: string, key?: string): void {
    const l = this.locOf(key);
    this.problems.push({ message, file: l.file, item: this.label, ...(l.line !== undefined ? { line: l.line } : {}), ...(l.col !== undefined ? { col: l.col } : {}) });
  }

  value(key: string): unknown {
    return this.file.toJS(this.node(key), this.doc);
  }

  string(key: string, required: boolean): string | undefined {
    if (!this.has(key)) {
      if (required) this.fail(`missing "${key}"`);
      return undefined;
    }
    const v = this.value(key);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v === null && !required) return undefined;
    this.fail(`"${key}" must be text`, key);
    return undefined;
  }

  bool(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const v = this.value(key);
    if (typeof v === 'boolean') return v;
    this.fail(`"${key}" must be true or false`, key);
    return undefined;
  }

  stringList(key: string): string[] | undefined {
    if (!this.has(key)) return undefined;
    const v = this.value(key);
    if (v === null) return [];
    if (!Array.isArray(v)) {
      this.fail(`"${key}" must be a list`, key);
      return undefined;
    }
    const out: string[] = [];
    for (const x of v) {
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out.push(String(x));
      else {
        this.fail(`"${key}" entries must be text or numbers`, key);
        return undefined;
      }
    }
    return out;
  }

  /** The condition as text with a mapper back to the file. */
  cond(key: string): CondText | undefined {
    const n = this.node(key);
    if (!n) {
      this.fail(`missing "${key}"`);
      return undefined;
    }
    if (!isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number' && typeof n.value !== 'boolean')) {
      this.fail(`"${key}" must be text`, key);
      return undefined;
    }
    const text = String(n.value);
    return condText(text, this.file.scalarOrigin(n, text, this.label));
  }

  exceptions(): ExceptionDef[] | undefined {
    const n = this.node('exceptions');
    if (!n) return undefined;
    if (!isSeq(n)) {
      this.fail('"exceptions" must be a list', 'exceptions');
      return undefined;
    }
    const out: ExceptionDef[] = [];
    for (const it of n.items) {
      const node = it as Node;
      const p = this.file.pos(node?.range?.[0] ?? 0);
      const loc: Location = { file: this.file.path, line: p.line, col: p.col };
      const v = this.file.toJS(node, this.doc) as Record<string, unknown> | null;
      if (!v || typeof v !== 'object' || Array.isArray(v)) {
        this.problems.push({ message: 'each exception must be a map with name, fields, comps, values', file: loc.file, line: p.line, col: p.col, item: this.label });
        continue;
      }
      if (typeof v.name !== 'string' || v.name.length === 0) {
        this.problems.push({ message: 'an exception needs a "name"', file: loc.file, line: p.line, col: p.col, item: this.label });
        continue;
      }
      const isStrList = (x: unknown) => typeof x === 'string' || (Array.isArray(x) && x.every((y) => typeof y === 'string'));
      if (v.fields !== undefined && !isStrList(v.fields)) {
        this.problems.push({ message: `exception "${v.name}": fields must be a field name or a list of them`, file: loc.file, line: p.line, col: p.col, item: this.label });
        continue;
      }
      if (v.comps !== undefined && !isStrList(v.comps)) {
        this.problems.push({ message: `exception "${v.name}": comps must be an operator or a list of them`, file: loc.file, line: p.line, col: p.col, item: this.label });
        continue;
      }
      if (v.values !== undefined && v.values !== null && !Array.isArray(v.values)) {
        this.problems.push({ message: `exception "${v.name}": values must be a list`, file: loc.file, line: p.line, col: p.col, item: this.label });
        continue;
      }
      const unknown = Object.keys(v).filter((k) => !['name', 'fields', 'comps', 'values'].includes(k));
      if (unknown.length > 0) {
        this.problems.push({ message: `exception "${v.name}": unknown key ${unknown.map((k) => `"${k}"`).join(', ')}`, file: loc.file, line: p.line, col: p.col, item: this.label });
        continue;
      }
      out.push({
        name: v.name,
        ...(v.fields !== undefined ? { fields: v.fields as string | string[] } : {}),
        ...(v.comps !== undefined ? { comps: v.comps as string | string[] } : {}),
        values: Array.isArray(v.values) ? v.values : [],
        loc,
      });
    }
    return out;
  }
}
