/**
 * Folded condition → plain JS closures over an EvalCtx. No `eval`, no
 * `new Function`: every check is a closure built from the field getter, the
 * operator and the pre-converted right-hand values (Sets for lists, RegExps
 * for globs, parsed CIDRs for networks). A check on a value the event does
 * not have is false, whatever the operator, as in Falco.
 */
import type { BinaryCheck, Expr, Operand, TransformerExpr, UnaryCheck } from './ast.js';
import { LIST_OPS, NUM_OPS } from './ast.js';
import { canonicalEventType } from './evttypes.js';
import { baseField } from './fold.js';
import type { ParsedIp } from './fields/net.js';
import { resolveField } from './fields/registry.js';
import type { BoundField, Source } from './fields/types.js';
import { ItemError } from './model.js';
import { convertValues, fail, fusedString, overValues, scalarTest, type CompileEnv, type Pred, type Side } from './operators.js';
import { problemAt } from './resolve.js';

export type { CompileEnv, Pred } from './operators.js';
export { globToRegExp } from './operators.js';

const TRUE: Pred = () => true;
const FALSE: Pred = () => false;

/** Unknown field names used by a folded condition, in order of appearance. */
export function unknownFields(e: Expr, source: Source): string[] {
  const out = new Set<string>();
  const seen = new Set<Expr>();
  const field = (o: Operand) => {
    const f = baseField(o);
    const r = resolveField(source, f.name, f.arg);
    if (!r.ok && r.unknown) out.add(r.name);
  };
  const walk = (x: Expr): void => {
    if (seen.has(x)) return;
    seen.add(x);
    if (x.kind === 'and' || x.kind === 'or') x.children.forEach(walk);
    else if (x.kind === 'not') walk(x.child);
    else if (x.kind === 'unary') field(x.left);
    else if (x.kind === 'binary') {
      field(x.left);
      if (x.right.kind === 'transformer') field(x.right);
      if (x.right.kind === 'fieldvalue') field(x.right.field);
    }
  };
  walk(e);
  return [...out];
}

export function compile(e: Expr, env: CompileEnv): Pred {
  const hit = env.memo.get(e);
  if (hit) return hit;
  let out: Pred;
  switch (e.kind) {
    case 'const':
      out = e.value ? TRUE : FALSE;
      break;
    case 'and': {
      const ps = e.children.map((c) => compile(c, env));
      out = combine(ps, true);
      break;
    }
    case 'or': {
      const ps = groupedOr(e.children, env);
      out = combine(ps, false);
      break;
    }
    case 'not': {
      const p = compile(e.child, env);
      out = (c) => !p(c);
      break;
    }
    case 'identifier':
      throw new ItemError(problemAt(env.origins, e, `unresolved macro "${e.name}"`));
    case 'unary':
    case 'binary':
      out = compileCheck(e, env);
      break;
  }
  env.memo.set(e, out);
  return out;
}

const GROUPABLE = new Set(['=', '==', 'contains', 'icontains', 'startswith', 'endswith']);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * `f contains a or f contains b or …` on one text field: one RegExp of the
 * literals (or one Set for `=`) instead of a closure per alternative. Other
 * children compile as they are; `or` is order-free, so grouping keeps meaning.
 */
function groupedOr(children: Expr[], env: CompileEnv): Pred[] {
  const groups = new Map<string, { field: Side; op: string; values: string[] }>();
  const rest: Expr[] = [];
  for (const c of children) {
    if (c.kind === 'binary' && GROUPABLE.has(c.op) && c.left.kind === 'field' && c.right.kind === 'value' && !(c.left.name === 'evt.type' && c.left.arg === undefined)) {
      const side = bindOperand(c.left, env);
      if (side.type === 'string' && !side.multi) {
        const op = c.op === '==' ? '=' : c.op;
        const key = `${side.name}\u0000${op}`;
        const g = groups.get(key);
        if (g) g.values.push(c.right.value);
        else groups.set(key, { field: side, op, values: [c.right.value] });
        continue;
      }
    }
    rest.push(c);
  }
  const out: Pred[] = [];
  for (const { field, op, values } of groups.values()) {
    const g = field.get;
    if (values.length === 1) {
      out.push(fusedString(g, op as BinaryCheck['op'], values)!);
    } else if (op === '=') {
      const set = new Set(values);
      out.push((c) => {
        const v = g(c);
        return typeof v === 'string' && set.has(v);
      });
    } else {
      const alt = values.map(escapeRe).join('|');
      const re = new RegExp(op === 'startswith' ? `^(?:${alt})` : op === 'endswith' ? `(?:${alt})$` : alt, op === 'icontains' ? 'iu' : 'u');
      out.push((c) => {
        const v = g(c);
        return typeof v === 'string' && re.test(v);
      });
    }
  }
  for (const c of rest) out.push(compile(c, env));
  return out;
}

function combine(ps: Pred[], isAnd: boolean): Pred {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Pred, Pred];
    return isAnd ? (c) => a(c) && b(c) : (c) => a(c) || b(c);
  }
  if (ps.length === 3) {
    const [a, b, d] = ps as [Pred, Pred, Pred];
    return isAnd ? (c) => a(c) && b(c) && d(c) : (c) => a(c) || b(c) || d(c);
  }
  const n = ps.length;
  return isAnd
    ? (c) => {
        for (let i = 0; i < n; i++) if (!ps[i]!(c)) return false;
        return true;
      }
    : (c) => {
        for (let i = 0; i < n; i++) if (ps[i]!(c)) return true;
        return false;
      };
}

function bindOperand(o: Operand, env: CompileEnv): Side {
  if (o.kind === 'field') {
    const r = resolveField(env.source, o.name, o.arg);
    if (!r.ok) fail(env, o, r.unknown ? `unknown field ${r.name}` : r.error);
    const f: BoundField = r.field;
    return { name: f.name, type: f.type, ...(f.multi ? { multi: f.multi } : {}), get: f.get };
  }
  return applyTransformer(o, bindOperand(o.arg, env), env);
}

function b64decode(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

function applyTransformer(t: TransformerExpr, inner: Side, env: CompileEnv): Side {
  const g = inner.get;
  if (t.name === 'len') {
    if (inner.type !== 'string' && !inner.multi) fail(env, t, `len() needs a text or list field, ${inner.name} is ${inner.type}`);
    return {
      name: `len(${inner.name})`,
      type: 'number',
      get: (c) => {
        const v = g(c);
        if (Array.isArray(v)) return v.length;
        return typeof v === 'string' ? v.length : undefined;
      },
    };
  }
  if (inner.type !== 'string') fail(env, t, `${t.name}() needs a text field, ${inner.name} is ${inner.type}`);
  const fn: (s: string) => string =
    t.name === 'tolower'
      ? (s) => s.toLowerCase()
      : t.name === 'toupper'
        ? (s) => s.toUpperCase()
        : t.name === 'b64'
          ? b64decode
          : (s) => {
              const i = s.lastIndexOf('/');
              return i < 0 ? s : s.slice(i + 1);
            };
  return {
    name: `${t.name}(${inner.name})`,
    type: 'string',
    ...(inner.multi ? { multi: inner.multi } : {}),
    get: (c) => {
      const v = g(c);
      if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? fn(x) : x));
      return typeof v === 'string' ? fn(v) : undefined;
    },
  };
}

function compileEvtType(node: BinaryCheck, values: readonly string[]): Pred | undefined {
  if (!['=', '==', '!=', 'in', 'intersects'].includes(node.op)) return undefined;
  const set = new Set(values.map(canonicalEventType).filter((x) => x !== undefined));
  const neg = node.op === '!=';
  return (c) => (c.ev.source === 'syscall' ? set.has(c.type!) !== neg : false);
}

function compileCheck(e: UnaryCheck | BinaryCheck, env: CompileEnv): Pred {
  const side = bindOperand(e.left, env);
  if (e.kind === 'unary') {
    const g = side.get;
    return (c) => {
      const v = g(c);
      if (v === undefined || v === null || v === '') return false;
      return !Array.isArray(v) || v.length > 0;
    };
  }
  const r = e.right;
  if (r.kind === 'value' || r.kind === 'list') {
    const raw = r.kind === 'value' ? [r.value] : r.items;
    if (env.source === 'syscall' && e.left.kind === 'field' && e.left.name === 'evt.type' && e.left.arg === undefined) {
      const p = compileEvtType(e, raw);
      if (p) return p;
    }
    if (r.kind === 'list' && !LIST_OPS.has(e.op)) fail(env, r, `a list needs in, intersects or pmatch, not ${e.op}`);
    if (r.kind === 'list' && r.items.length === 0) {
      // `x in ()` holds for nothing.
      return FALSE;
    }
    if (NUM_OPS.has(e.op) && side.type !== 'number') fail(env, e, `operator ${e.op} needs a number field, ${side.name} is ${side.type}`);
    const values = convertValues(side, raw, e, env);
    const test = scalarTest(side, e.op, values, e, env);
    if (!side.multi && side.type === 'string') {
      const fused = fusedString(side.get, e.op, values as string[]);
      if (fused) return fused;
    }
    return overValues(side, e.op, test);
  }
  // Field on the right: transformer(field) or val(field).
  const rightSide = r.kind === 'fieldvalue' ? bindOperand(r.field, env) : bindOperand(r, env);
  return compareFields(side, e.op, rightSide, e, env);
}

function scalarOf(v: unknown): unknown {
  if (v && typeof v === 'object' && 'canon' in (v as object)) return (v as ParsedIp).canon;
  return v;
}

function compareFields(left: Side, op: BinaryCheck['op'], right: Side, node: BinaryCheck, env: CompileEnv): Pred {
  const lg = left.get;
  const rg = right.get;
  const numeric = left.type === 'number' && right.type === 'number';
  let test: (a: unknown, b: unknown) => boolean;
  switch (op) {
    case '=':
    case '==':
      test = (a, b) => (numeric ? a === b : String(scalarOf(a)) === String(scalarOf(b)));
      break;
    case '!=':
      test = (a, b) => (numeric ? a !== b : String(scalarOf(a)) !== String(scalarOf(b)));
      break;
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!numeric) fail(env, node, `operator ${op} needs number fields on both sides`);
      test = op === '<' ? (a, b) => (a as number) < (b as number) : op === '<=' ? (a, b) => (a as number) <= (b as number) : op === '>' ? (a, b) => (a as number) > (b as number) : (a, b) => (a as number) >= (b as number);
      break;
    case 'contains':
      test = (a, b) => String(a).includes(String(b));
      break;
    case 'icontains':
      test = (a, b) => String(a).toLowerCase().includes(String(b).toLowerCase());
      break;
    case 'startswith':
      test = (a, b) => String(a).startsWith(String(b));
      break;
    case 'endswith':
      test = (a, b) => String(a).endsWith(String(b));
      break;
    case 'in':
    case 'intersects':
      test = (a, b) => (Array.isArray(b) ? b.map(scalarOf).includes(scalarOf(a)) : scalarOf(a) === scalarOf(b));
      break;
    default:
      return fail(env, node, `operator ${op} cannot compare two fields`);
  }
  return (c) => {
    const a = lg(c);
    const b = rg(c);
    if (a === undefined || a === null || b === undefined || b === null) return false;
    if (Array.isArray(a)) return a.some((x) => test(x, b));
    return test(a, b);
  };
}
