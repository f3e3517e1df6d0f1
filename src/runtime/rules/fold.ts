/**
 * Constant folding of a resolved condition, optionally for one event type:
 * evt.type and evt.dir checks become constants, checks on fields Bulkhead
 * never has become false, and and/or/not simplify around the constants.
 * Specialising every rule for each event type it can match means the
 * evaluation of an event skips those checks entirely, and branches that only
 * apply to event types the sensor does not produce (sendto, socket, …) vanish
 * together with the fields they use.
 */
import type { SyscallEventType } from '../events.js';
import type { Expr, FieldRef, Operand, Pos } from './ast.js';
import { canonicalEventType, isFieldCheck, literalValues, typesOfValues } from './evttypes.js';
import { resolveField } from './fields/registry.js';
import type { Source } from './fields/types.js';

const BOTH_DIRECTIONS: ReadonlySet<SyscallEventType> = new Set<SyscallEventType>(['ptrace', 'setuid', 'setgid', 'capset']);

export interface FoldEnv {
  source: Source;
  /** Fold for this event type; undefined folds only what holds for every type. */
  type?: SyscallEventType;
  memo: Map<Expr, Expr>;
}

const MAX_FLATTEN = 64;

const T = (pos: Pos): Expr => ({ kind: 'const', value: true, pos });
const F = (pos: Pos): Expr => ({ kind: 'const', value: false, pos });

export function baseField(o: Operand): FieldRef {
  let cur: Operand = o;
  while (cur.kind === 'transformer') cur = cur.arg;
  return cur;
}

function isNeverField(source: Source, o: Operand): boolean {
  const f = baseField(o);
  const r = resolveField(source, f.name, f.arg);
  return r.ok && r.field.never === true;
}

function foldEvtType(e: Expr & { kind: 'binary' | 'unary' }, type: SyscallEventType | undefined): Expr {
  if (e.kind === 'unary') return T(e.pos);
  const values = literalValues(e);
  if (!values) return e;
  const { types } = typesOfValues(values);
  switch (e.op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      if (type !== undefined) return types.has(type) ? T(e.pos) : F(e.pos);
      return types.size === 0 ? F(e.pos) : e;
    case '!=':
      if (type !== undefined) return types.has(type) ? F(e.pos) : T(e.pos);
      return types.size === 0 ? T(e.pos) : e;
    default:
      if (type !== undefined && (e.op === 'startswith' || e.op === 'endswith' || e.op === 'contains')) {
        const v = values[0] ?? '';
        const hit = e.op === 'startswith' ? type.startsWith(v) : e.op === 'endswith' ? type.endsWith(v) : type.includes(v);
        return hit ? T(e.pos) : F(e.pos);
      }
      return e;
  }
}

function foldEvtDir(e: Expr & { kind: 'binary' | 'unary' }, type: SyscallEventType): Expr {
  if (e.kind === 'unary') return T(e.pos);
  const values = literalValues(e);
  if (!values) return e;
  const dirs = BOTH_DIRECTIONS.has(type) ? ['<', '>'] : ['<'];
  const hit = values.some((v) => dirs.includes(v));
  switch (e.op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return hit ? T(e.pos) : F(e.pos);
    case '!=':
      return hit ? F(e.pos) : T(e.pos);
    default:
      return e;
  }
}

export function fold(e: Expr, env: FoldEnv): Expr {
  const hit = env.memo.get(e);
  if (hit) return hit;
  let out: Expr;
  switch (e.kind) {
    case 'and':
    case 'or': {
      const isAnd = e.kind === 'and';
      const kids: Expr[] = [];
      let constant: boolean | undefined;
      for (const c of e.children) {
        const f = fold(c, env);
        if (f.kind === 'const') {
          if (f.value !== isAnd) {
            constant = !isAnd;
            break;
          }
          continue;
        }
        // Flatten nested chains, but only small ones: copying children of a
        // shared macro (a DAG) into every parent would grow exponentially.
        if (f.kind === e.kind && kids.length + f.children.length <= MAX_FLATTEN) kids.push(...f.children);
        else kids.push(f);
      }
      if (constant !== undefined) out = { kind: 'const', value: constant, pos: e.pos };
      else if (kids.length === 0) out = { kind: 'const', value: isAnd, pos: e.pos };
      else if (kids.length === 1) out = kids[0]!;
      else out = { kind: e.kind, children: kids, pos: e.pos };
      break;
    }
    case 'not': {
      const c = fold(e.child, env);
      if (c.kind === 'const') out = { kind: 'const', value: !c.value, pos: e.pos };
      else if (c.kind === 'not') out = c.child;
      else out = c === e.child ? e : { kind: 'not', child: c, pos: e.pos };
      break;
    }
    case 'binary':
    case 'unary': {
      if (env.source === 'syscall' && isFieldCheck(e, 'evt.type')) out = foldEvtType(e, env.type);
      else if (env.source === 'syscall' && env.type !== undefined && isFieldCheck(e, 'evt.dir')) out = foldEvtDir(e, env.type);
      else if (isNeverField(env.source, e.left)) out = F(e.pos);
      else out = e;
      break;
    }
    default:
      out = e;
  }
  env.memo.set(e, out);
  return out;
}

/** True when the condition reads evt.type or evt.dir somewhere (so specialising per type pays). */
export function readsEventType(e: Expr, seen = new Set<Expr>()): boolean {
  if (seen.has(e)) return false;
  seen.add(e);
  switch (e.kind) {
    case 'and':
    case 'or':
      return e.children.some((c) => readsEventType(c, seen));
    case 'not':
      return readsEventType(e.child, seen);
    case 'binary':
    case 'unary':
      return isFieldCheck(e, 'evt.type') || isFieldCheck(e, 'evt.dir');
    default:
      return false;
  }
}

/** Why a condition can never match: evt.type values the sensor never produces, and never-available fields it needs. */
export function neverCauses(e: Expr, source: Source): { types: string[]; fields: string[] } {
  const types = new Set<string>();
  const fields = new Set<string>();
  const seen = new Set<Expr>();
  const walk = (x: Expr): void => {
    if (seen.has(x)) return;
    seen.add(x);
    if (x.kind === 'and' || x.kind === 'or') x.children.forEach(walk);
    else if (x.kind === 'not') walk(x.child);
    else if (x.kind === 'binary' || x.kind === 'unary') {
      if (isFieldCheck(x, 'evt.type')) {
        for (const v of literalValues(x) ?? []) if (!canonicalEventType(v)) types.add(v);
      } else if (isNeverField(source, x.left)) {
        fields.add(baseField(x.left).name);
      }
    }
  };
  walk(e);
  return { types: [...types], fields: [...fields] };
}
