/**
 * Rule exceptions (fields/comps/values) → the condition Falco adds to the
 * rule: `and not ((f1 c1 v1 and f2 c2 v2) or …)`. Supports the tuple form,
 * the single-field form (`fields: fd.filename`, `comps` defaulting to `in`,
 * values a flat list), default `=` comps for field lists, and list names as
 * values of `in`/`pmatch`/`intersects`.
 */
import type { BinaryCheck, BinaryOp, Expr, FieldRef, Pos, RightHand } from './ast.js';
import { LIST_OPS } from './ast.js';
import { ItemError, condText, type ExceptionDef, type Problem } from './model.js';
import { unquoteListItem } from './parser.js';
import type { Resolver } from './resolve.js';

const OPS: ReadonlySet<string> = new Set<BinaryOp>([
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'icontains',
  'bcontains',
  'startswith',
  'bstartswith',
  'endswith',
  'glob',
  'iglob',
  'in',
  'intersects',
  'pmatch',
]);

const FIELD_RE = /^([a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+)(?:\[(.*)\])?$/s;
const POS0: Pos = { idx: 0, line: 1, col: 1 };

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return unquoteListItem(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function problem(ex: ExceptionDef, rule: string, message: string): Problem {
  return { message: `exception "${ex.name}": ${message}`, file: ex.loc.file, item: `rule "${rule}"`, ...(ex.loc.line !== undefined ? { line: ex.loc.line } : {}), ...(ex.loc.col !== undefined ? { col: ex.loc.col } : {}) };
}

/** The `or` of every exception's tuples, or undefined when no exception has values. */
export function exceptionsExpr(rule: string, exceptions: readonly ExceptionDef[], resolver: Resolver): Expr | undefined {
  const alternatives: Expr[] = [];
  for (const ex of exceptions) {
    const fail: (m: string) => never = (m) => {
      throw new ItemError(problem(ex, rule, m));
    };
    if (ex.fields === undefined) fail('has values but no fields');
    const single = typeof ex.fields === 'string';
    const fields = (single ? [ex.fields] : ex.fields) as string[];
    if (fields.length === 0) fail('fields is empty');
    let comps: string[];
    if (ex.comps === undefined) comps = single ? ['in'] : fields.map(() => '=');
    else if (typeof ex.comps === 'string') comps = [ex.comps];
    else comps = ex.comps;
    if (comps.length !== fields.length) fail(`has ${fields.length} fields but ${comps.length} comps`);
    for (const c of comps) if (!OPS.has(c)) fail(`unknown comparison "${c}"`);
    if (single && !LIST_OPS.has(comps[0] as BinaryOp)) fail(`the single-field form needs comps in, pmatch or intersects, not ${comps[0]}`);
    const origin = {
      file: ex.loc.file,
      item: `rule "${rule}"`,
      map: () => (ex.loc.line !== undefined ? { line: ex.loc.line, col: ex.loc.col ?? 1 } : undefined),
    };
    const cond = condText(`exception ${ex.name}`, origin);
    const refs: FieldRef[] = fields.map((f) => {
      const m = FIELD_RE.exec(typeof f === 'string' ? f.trim() : '');
      if (!m) fail(`"${String(f)}" is not a field name`);
      return { kind: 'field', name: m[1]!, ...(m[2] !== undefined ? { arg: m[2] } : {}), pos: POS0 };
    });
    const tag = <T extends object>(n: T): T => {
      resolver.origins.set(n, cond);
      return n;
    };
    if (single) {
      const items: string[] = [];
      for (const v of ex.values) {
        const s = scalarText(v);
        if (s === undefined) {
          if (Array.isArray(v)) for (const x of v) items.push(scalarText(x) ?? fail('list values must be text or numbers'));
          else fail('values must be text or numbers');
        } else items.push(s);
      }
      if (items.length === 0) continue;
      const right: RightHand = tag({ kind: 'list', items: resolver.expandItems(items), pos: POS0 });
      alternatives.push(tag({ kind: 'binary', left: tag(refs[0]!), op: comps[0] as BinaryOp, right, pos: POS0 } as BinaryCheck));
      continue;
    }
    for (const tuple of ex.values) {
      if (!Array.isArray(tuple)) fail('each value must be a list with one entry per field');
      if (tuple.length !== fields.length) fail(`a value has ${tuple.length} entries for ${fields.length} fields`);
      const checks: Expr[] = tuple.map((v, i) => {
        const op = comps[i] as BinaryOp;
        let right: RightHand;
        if (LIST_OPS.has(op)) {
          const raw = Array.isArray(v) ? v.map((x) => scalarText(x) ?? fail('list entries must be text or numbers')) : [scalarText(v) ?? fail('entries must be text, numbers or lists')];
          right = tag({ kind: 'list', items: resolver.expandItems(raw), pos: POS0 });
        } else {
          const s = scalarText(v);
          if (s === undefined) fail(`entry ${i + 1} must be text or a number for comparison ${op}`);
          right = tag({ kind: 'value', value: s, pos: POS0 });
        }
        return tag({ kind: 'binary', left: tag({ ...refs[i]! }), op, right, pos: POS0 } as BinaryCheck);
      });
      alternatives.push(checks.length === 1 ? checks[0]! : tag({ kind: 'and', children: checks, pos: POS0 }));
    }
  }
  if (alternatives.length === 0) return undefined;
  return alternatives.length === 1 ? alternatives[0]! : { kind: 'or', children: alternatives, pos: POS0 };
}
