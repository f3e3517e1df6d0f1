/**
 * Operators over field values: converting the literal values of a check to
 * the field's type (numbers, booleans, addresses, networks), and the per-value
 * tests (text, numeric, set, glob, pmatch, bytes, CIDR) with Falco's rules
 * for fields that yield several values.
 */
import type { BinaryCheck, Expr } from './ast.js';
import { LIST_OPS } from './ast.js';
import { cidrContains, parseCidr, parseIp, type Cidr, type ParsedIp } from './fields/net.js';
import type { EvalCtx, FieldType, Getter, Source } from './fields/types.js';
import { ItemError } from './model.js';
import { problemAt, type Origins } from './resolve.js';

export type Pred = (ctx: EvalCtx) => boolean;

export interface CompileEnv {
  source: Source;
  origins: Origins;
  memo: Map<Expr, Pred>;
}

export interface Side {
  name: string;
  type: FieldType;
  multi?: 'list' | 'any';
  get: Getter;
}

export function fail(env: CompileEnv, node: { pos: { idx: number } }, msg: string): never {
  throw new ItemError(problemAt(env.origins, node, msg));
}

/** Glob (fnmatch without FNM_PATHNAME: `*` also matches `/`) → RegExp. */
export function globToRegExp(glob: string, caseInsensitive = false): RegExp {
  let re = '^';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        const neg = body.startsWith('!') || body.startsWith('^');
        if (neg) body = body.slice(1);
        re += '[' + (neg ? '^' : '') + body.replace(/[\\\]^]/g, '\\$&') + ']';
        i = end;
      }
    } else if (ch === '\\' && i + 1 < glob.length) {
      re += glob[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$', caseInsensitive ? 'is' : 's');
}

/** Path-prefix match: `/etc` matches `/etc` and `/etc/x`, not `/etcx`. */
export function pmatcher(prefixes: readonly string[]): (v: string) => boolean {
  const exact = new Set<string>();
  const dirs: string[] = [];
  for (const p of prefixes) {
    const clean = p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
    exact.add(clean);
    dirs.push(clean === '/' ? '/' : clean + '/');
  }
  return (v) => {
    if (exact.has(v)) return true;
    for (const d of dirs) if (v.startsWith(d)) return true;
    return false;
  };
}

export function hexBytes(s: string): Buffer | undefined {
  const clean = s.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  return Buffer.from(clean, 'hex');
}

export type ValueTest = (v: unknown) => boolean;

/** Convert literal values for a field type; undefined entries are reported. */
export function convertValues(side: Side, raw: readonly string[], node: BinaryCheck, env: CompileEnv): Array<string | number | boolean | ParsedIp | Cidr> {
  return raw.map((s) => {
    switch (side.type) {
      case 'number': {
        const t = s.trim();
        const n = /^[+-]?0[xX][0-9a-fA-F]+$/.test(t) ? Number.parseInt(t, 16) : t === '' ? Number.NaN : Number(t);
        if (!Number.isFinite(n)) fail(env, node.right, `${side.name} is a number, "${s}" is not`);
        return n;
      }
      case 'bool': {
        const l = s.trim().toLowerCase();
        if (l !== 'true' && l !== 'false') fail(env, node.right, `${side.name} is true or false, "${s}" is neither`);
        return l === 'true';
      }
      case 'ip': {
        const ip = parseIp(s);
        if (!ip) fail(env, node.right, `${side.name} is an IP address, "${s}" is not`);
        return ip;
      }
      case 'net': {
        const net = parseCidr(s);
        if (!net) fail(env, node.right, `${side.name} is compared with networks (a.b.c.d/n), "${s}" is not one`);
        return net;
      }
      default:
        return s;
    }
  });
}

export function scalarTest(side: Side, op: BinaryCheck['op'], values: Array<string | number | boolean | ParsedIp | Cidr>, node: BinaryCheck, env: CompileEnv): ValueTest {
  const t = side.type;
  const v0 = values[0];
  if (t === 'net') {
    const nets = values as Cidr[];
    const inside = (v: unknown) => nets.some((n) => cidrContains(n, v as ParsedIp));
    if (op === '=' || op === '==' || op === 'in' || op === 'intersects') return inside;
    if (op === '!=') return (v) => !inside(v);
    fail(env, node, `operator ${op} does not apply to ${side.name} (a network field: use =, !=, in)`);
  }
  if (t === 'ip') {
    const set = new Set((values as ParsedIp[]).map((x) => x.canon));
    if (op === '=' || op === '==' || op === 'in' || op === 'intersects') return (v) => set.has((v as ParsedIp).canon);
    if (op === '!=') return (v) => !set.has((v as ParsedIp).canon);
    fail(env, node, `operator ${op} does not apply to ${side.name} (an address field: use =, !=, in)`);
  }
  if (t === 'number' || t === 'bool') {
    if (LIST_OPS.has(op) && op !== 'pmatch') {
      const set = new Set(values);
      return (v) => set.has(v as number | boolean);
    }
    switch (op) {
      case '=':
      case '==':
        return (v) => v === v0;
      case '!=':
        return (v) => v !== v0;
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (t === 'bool') break;
        return op === '<' ? (v) => (v as number) < (v0 as number) : op === '<=' ? (v) => (v as number) <= (v0 as number) : op === '>' ? (v) => (v as number) > (v0 as number) : (v) => (v as number) >= (v0 as number);
      default:
        break;
    }
    fail(env, node, `operator ${op} does not apply to ${side.name} (${t === 'bool' ? 'true/false' : 'a number'}: use =, !=${t === 'number' ? ', <, <=, >, >=' : ''}, in)`);
  }
  // string
  const s0 = String(v0 ?? '');
  switch (op) {
    case '=':
    case '==':
      return (v) => v === s0;
    case '!=':
      return (v) => v !== s0;
    case 'contains':
      return (v) => (v as string).includes(s0);
    case 'icontains': {
      const low = s0.toLowerCase();
      return (v) => (v as string).toLowerCase().includes(low);
    }
    case 'startswith':
      return (v) => (v as string).startsWith(s0);
    case 'endswith':
      return (v) => (v as string).endsWith(s0);
    case 'glob':
    case 'iglob': {
      const re = globToRegExp(s0, op === 'iglob');
      return (v) => re.test(v as string);
    }
    case 'bcontains':
    case 'bstartswith': {
      const bytes = hexBytes(s0);
      if (!bytes) fail(env, node.right, `${op} takes hex bytes (e.g. cafebabe), "${s0}" is not`);
      return op === 'bcontains' ? (v) => Buffer.from(v as string, 'utf8').includes(bytes) : (v) => Buffer.from(v as string, 'utf8').subarray(0, bytes.length).equals(bytes);
    }
    case 'in':
    case 'intersects': {
      const set = new Set(values as string[]);
      return (v) => set.has(v as string);
    }
    case 'pmatch': {
      const m = pmatcher(values as string[]);
      return (v) => m(v as string);
    }
    default:
      return fail(env, node, `operator ${op} does not apply to ${side.name} (text: use =, !=, contains, startswith, endswith, glob, in, pmatch…)`);
  }
}

/** One closure for the common text checks (field read and comparison together). */
export function fusedString(g: Getter, op: BinaryCheck['op'], values: readonly string[]): Pred | undefined {
  const s0 = values[0] ?? '';
  switch (op) {
    case '=':
    case '==':
      return (c) => g(c) === s0;
    case '!=':
      return (c) => {
        const v = g(c);
        return v !== undefined && v !== null && v !== s0;
      };
    case 'in':
    case 'intersects': {
      if (values.length === 1) return (c) => g(c) === s0;
      const set = new Set(values);
      return (c) => {
        const v = g(c);
        return v !== undefined && set.has(v as string);
      };
    }
    case 'startswith':
      return (c) => {
        const v = g(c);
        return typeof v === 'string' && v.startsWith(s0);
      };
    case 'endswith':
      return (c) => {
        const v = g(c);
        return typeof v === 'string' && v.endsWith(s0);
      };
    case 'contains':
      return (c) => {
        const v = g(c);
        return typeof v === 'string' && v.includes(s0);
      };
    case 'icontains': {
      const low = s0.toLowerCase();
      return (c) => {
        const v = g(c);
        return typeof v === 'string' && v.toLowerCase().includes(low);
      };
    }
    default:
      return undefined;
  }
}

/** Apply a per-value test to a side with several values. */
export function overValues(side: Side, op: BinaryCheck['op'], test: ValueTest): Pred {
  const g = side.get;
  if (!side.multi) {
    return (c) => {
      const v = g(c);
      return v !== undefined && v !== null && test(v);
    };
  }
  if (side.multi === 'list' && (op === 'in' || op === 'pmatch')) {
    return (c) => {
      const v = g(c) as unknown[] | undefined;
      if (!v || v.length === 0) return false;
      for (const x of v) if (!test(x)) return false;
      return true;
    };
  }
  if (op === '!=') {
    // Several candidates: "differs" means none of them is equal.
    const eq: ValueTest = (x) => !test(x);
    return (c) => {
      const v = g(c) as unknown[] | undefined;
      if (!v || v.length === 0) return false;
      for (const x of v) if (eq(x)) return false;
      return true;
    };
  }
  return (c) => {
    const v = g(c) as unknown[] | undefined;
    if (!v) return false;
    for (const x of v) if (test(x)) return true;
    return false;
  };
}
