/**
 * Macro and list resolution. Macro references are replaced by the macro's
 * (parsed, resolved) AST, shared between every place that uses it, so the
 * result is a DAG and a macro used a thousand times is resolved once. List
 * names in `in`/`intersects`/`pmatch` lists are expanded (lists may name
 * other lists); a name that is no list stays a literal value, as in Falco.
 * Undefined macros, cycles and too deep nesting are errors with a position.
 */
import type { Expr, ListExpr } from './ast.js';
import { LIST_OPS } from './ast.js';
import { ItemError, locate, type CondText, type ListDef, type MacroDef, type Problem } from './model.js';
import { ConditionSyntaxError, parseCondition, type ParseOptions } from './parser.js';

/** Where each parsed node came from: its condition text (positions are offsets into it). */
export type Origins = WeakMap<object, CondText>;

export const MAX_MACRO_DEPTH = 32;
export const MAX_LIST_ITEMS = 1_000_000;

/** Counts of resolution work, filled in when a caller passes one (tests use it to show shared macros and lists are resolved once). */
export interface ResolveStats {
  /** Macros resolved (a macro used many times counts once). */
  macrosResolved: number;
  /** Lists expanded (a list named many times counts once). */
  listsExpanded: number;
  /** Items written into expanded lists, summed over every expansion. */
  listItems: number;
}

function tagOrigins(e: Expr, cond: CondText, origins: Origins): void {
  const stack: unknown[] = [e];
  while (stack.length > 0) {
    const n = stack.pop() as Record<string, unknown> | undefined;
    if (!n || typeof n !== 'object') continue;
    origins.set(n, cond);
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) for (const x of v) if (x && typeof x === 'object') stack.push(x);
      if (v && typeof v === 'object' && !Array.isArray(v) && (v as { kind?: unknown }).kind !== undefined) stack.push(v);
    }
  }
}

/** A problem at a node's position. */
export function problemAt(origins: Origins, node: { pos: { idx: number } }, message: string, fallbackItem?: string): Problem {
  const cond = origins.get(node);
  if (!cond) return { message, ...(fallbackItem ? { item: fallbackItem } : {}) };
  const l = locate(cond, node.pos.idx);
  return { message, file: l.file, item: l.item, ...(l.line !== undefined ? { line: l.line } : {}), ...(l.col !== undefined ? { col: l.col } : {}) };
}

/** Parse condition text; a syntax error becomes a problem at the right file position. */
export function parseCond(cond: CondText, origins: Origins, opts: ParseOptions): Expr {
  try {
    const e = parseCondition(cond.text, opts);
    tagOrigins(e, cond, origins);
    return e;
  } catch (err) {
    if (err instanceof ConditionSyntaxError) {
      const l = locate(cond, err.pos.idx);
      throw new ItemError({ message: `condition syntax error: ${err.reason}`, file: l.file, item: l.item, ...(l.line !== undefined ? { line: l.line, col: l.col } : {}) });
    }
    if (err instanceof Error && 'code' in err) {
      const l = locate(cond, 0);
      throw new ItemError({ message: err.message, file: l.file, item: l.item, ...(l.line !== undefined ? { line: l.line, col: l.col } : {}) });
    }
    throw err;
  }
}

export class Resolver {
  readonly origins: Origins = new WeakMap();
  private readonly macroAst = new Map<string, Expr>();
  private readonly macroResolved = new Map<string, Expr>();
  private readonly listExpanded = new Map<string, string[]>();
  private readonly macroStack: string[] = [];

  constructor(
    private readonly lists: ReadonlyMap<string, ListDef>,
    private readonly macros: ReadonlyMap<string, MacroDef>,
    private readonly parseOptions: ParseOptions,
    private readonly stats?: ResolveStats,
  ) {}

  /** Parse every macro (syntax errors are reported even for unused macros, as Falco does). */
  parseMacros(onProblem: (p: Problem) => void): void {
    for (const m of this.macros.values()) {
      try {
        this.parsedMacro(m);
      } catch (err) {
        if (err instanceof ItemError) onProblem(err.problem);
        else throw err;
      }
    }
  }

  private parsedMacro(m: MacroDef): Expr {
    let e = this.macroAst.get(m.name);
    if (!e) {
      e = parseCond(m.condition, this.origins, this.parseOptions);
      this.macroAst.set(m.name, e);
    }
    return e;
  }

  parse(cond: CondText): Expr {
    return parseCond(cond, this.origins, this.parseOptions);
  }

  /** Expand a list by name, following list references. */
  expandList(name: string, seen: string[] = []): string[] {
    const hit = this.listExpanded.get(name);
    if (hit) return hit;
    const def = this.lists.get(name)!;
    if (seen.includes(name)) {
      throw new ItemError({ message: `list cycle: ${[...seen, name].join(' -> ')}`, file: def.loc.file, item: `list "${name}"`, ...(def.loc.line !== undefined ? { line: def.loc.line } : {}) });
    }
    const out: string[] = [];
    for (const item of def.items) {
      if (this.lists.has(item)) for (const x of this.expandList(item, [...seen, name])) out.push(x);
      else out.push(item);
      if (out.length > MAX_LIST_ITEMS) {
        throw new ItemError({ message: `list expands to more than ${MAX_LIST_ITEMS} items`, file: def.loc.file, item: `list "${name}"`, ...(def.loc.line !== undefined ? { line: def.loc.line } : {}) });
      }
    }
    if (this.stats) {
      this.stats.listsExpanded++;
      this.stats.listItems += out.length;
    }
    this.listExpanded.set(name, out);
    return out;
  }

  /** Items with list names expanded. */
  expandItems(items: readonly string[]): string[] {
    const out: string[] = [];
    for (const it of items) {
      if (this.lists.has(it)) for (const x of this.expandList(it)) out.push(x);
      else out.push(it);
    }
    return out;
  }

  private resolveMacro(name: string, ref: Expr): Expr {
    const done = this.macroResolved.get(name);
    if (done) return done;
    const def = this.macros.get(name);
    if (!def) throw new ItemError(problemAt(this.origins, ref, `undefined macro "${name}"`));
    if (this.macroStack.includes(name)) {
      throw new ItemError(problemAt(this.origins, ref, `macro cycle: ${[...this.macroStack, name].join(' -> ')}`));
    }
    if (this.macroStack.length >= MAX_MACRO_DEPTH) {
      throw new ItemError(problemAt(this.origins, ref, `macros nest deeper than ${MAX_MACRO_DEPTH} levels`));
    }
    if (this.stats) this.stats.macrosResolved++;
    this.macroStack.push(name);
    try {
      const resolved = this.resolve(this.parsedMacro(def));
      this.macroResolved.set(name, resolved);
      return resolved;
    } finally {
      this.macroStack.pop();
    }
  }

  private keepOrigin(from: Expr, to: Expr): Expr {
    const cond = this.origins.get(from);
    if (cond) this.origins.set(to, cond);
    return to;
  }

  /** Replace macro references and expand lists. Returns a new tree (shared macro subtrees). */
  resolve(e: Expr): Expr {
    switch (e.kind) {
      case 'identifier':
        return this.resolveMacro(e.name, e);
      case 'and':
      case 'or':
        return this.keepOrigin(e, { kind: e.kind, children: e.children.map((c) => this.resolve(c)), pos: e.pos });
      case 'not':
        return this.keepOrigin(e, { kind: 'not', child: this.resolve(e.child), pos: e.pos });
      case 'binary': {
        if (!LIST_OPS.has(e.op)) return e;
        const r = e.right;
        let items: string[] | undefined;
        if (r.kind === 'list') items = this.expandItems(r.items);
        else if (r.kind === 'value') items = this.expandItems([r.value]);
        if (!items) return e;
        const list: ListExpr = { kind: 'list', items, pos: r.pos };
        const out: Expr = { ...e, right: list };
        const cond = this.origins.get(e);
        if (cond) {
          this.origins.set(out, cond);
          this.origins.set(list, cond);
        }
        return out;
      }
      default:
        return e;
    }
  }
}
