/**
 * Event types: Falco's syscall names mapped onto the event types Bulkhead's
 * sensor produces, and the set of event types a condition can match, derived
 * from its AST as Falco does (evt.type checks narrow, `and` intersects, `or`
 * unites, `not` inverts through De Morgan), so that each event is only
 * evaluated against the rules that can match it.
 */
import type { SyscallEventType } from '../events.js';
import type { Expr } from './ast.js';

export const ALL_EVENT_TYPES: readonly SyscallEventType[] = [
  'execve',
  'procexit',
  'open',
  'connect',
  'accept',
  'setuid',
  'setgid',
  'capset',
  'ptrace',
  'mount',
  'init_module',
  'finit_module',
  'memfd_create',
  'chmod',
  'unlink',
  'rename',
];

/** Falco event (syscall) names → the Bulkhead event type that stands for them. */
const ALIASES: Record<string, SyscallEventType> = {
  execve: 'execve',
  execveat: 'execve',
  procexit: 'procexit',
  open: 'open',
  openat: 'open',
  openat2: 'open',
  creat: 'open',
  connect: 'connect',
  accept: 'accept',
  accept4: 'accept',
  setuid: 'setuid',
  setresuid: 'setuid',
  setreuid: 'setuid',
  setgid: 'setgid',
  setresgid: 'setgid',
  setregid: 'setgid',
  capset: 'capset',
  ptrace: 'ptrace',
  mount: 'mount',
  init_module: 'init_module',
  finit_module: 'finit_module',
  memfd_create: 'memfd_create',
  chmod: 'chmod',
  fchmod: 'chmod',
  fchmodat: 'chmod',
  unlink: 'unlink',
  unlinkat: 'unlink',
  rename: 'rename',
  renameat: 'rename',
  renameat2: 'rename',
};

/** The Bulkhead event type a Falco event name maps to, or undefined when the sensor never produces it. */
export function canonicalEventType(falcoName: string): SyscallEventType | undefined {
  return Object.prototype.hasOwnProperty.call(ALIASES, falcoName) ? ALIASES[falcoName] : undefined;
}

/** Bulkhead types for the values of an `evt.type` comparison, and the names that map to none. */
export function typesOfValues(values: readonly string[]): { types: Set<SyscallEventType>; unknown: string[] } {
  const types = new Set<SyscallEventType>();
  const unknown: string[] = [];
  for (const v of values) {
    const t = canonicalEventType(v);
    if (t) types.add(t);
    else unknown.push(v);
  }
  return { types, unknown };
}

/** Values on the right of a check, when they are literal. */
export function literalValues(e: Expr): string[] | undefined {
  if (e.kind !== 'binary') return undefined;
  if (e.right.kind === 'value') return [e.right.value];
  if (e.right.kind === 'list') return e.right.items;
  return undefined;
}

/** True for a check whose left side is exactly the field `name` (no transformer, no argument). */
export function isFieldCheck(e: Expr, name: string): boolean {
  return (e.kind === 'binary' || e.kind === 'unary') && e.left.kind === 'field' && e.left.name === name && e.left.arg === undefined;
}

interface TypeSets {
  /** Types for which the expression may be true. */
  may: Set<SyscallEventType>;
  /** Types for which it is true for every event. */
  must: Set<SyscallEventType>;
}

const ALL = (): Set<SyscallEventType> => new Set(ALL_EVENT_TYPES);
const diff = (a: Set<SyscallEventType>, b: Set<SyscallEventType>) => new Set([...a].filter((x) => !b.has(x)));
const inter = (a: Set<SyscallEventType>, b: Set<SyscallEventType>) => new Set([...a].filter((x) => b.has(x)));
const union = (a: Set<SyscallEventType>, b: Set<SyscallEventType>) => new Set([...a, ...b]);

function checkSets(e: Expr): TypeSets | undefined {
  if (!isFieldCheck(e, 'evt.type') || (e.kind !== 'binary' && e.kind !== 'unary')) return undefined;
  if (e.kind === 'unary') return { may: ALL(), must: ALL() };
  const values = literalValues(e);
  if (!values) return { may: ALL(), must: new Set() };
  const { types } = typesOfValues(values);
  switch (e.op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return { may: types, must: new Set(types) };
    case '!=':
      return { may: diff(ALL(), types), must: diff(ALL(), types) };
    default:
      return { may: ALL(), must: new Set() };
  }
}

function sets(e: Expr, memo: Map<Expr, TypeSets>): TypeSets {
  const hit = memo.get(e);
  if (hit) return hit;
  let out: TypeSets;
  switch (e.kind) {
    case 'and': {
      let may = ALL();
      let must = ALL();
      for (const c of e.children) {
        const s = sets(c, memo);
        may = inter(may, s.may);
        must = inter(must, s.must);
      }
      out = { may, must };
      break;
    }
    case 'or': {
      let may = new Set<SyscallEventType>();
      let must = new Set<SyscallEventType>();
      for (const c of e.children) {
        const s = sets(c, memo);
        may = union(may, s.may);
        must = union(must, s.must);
      }
      out = { may, must };
      break;
    }
    case 'not': {
      const s = sets(e.child, memo);
      out = { may: diff(ALL(), s.must), must: diff(ALL(), s.may) };
      break;
    }
    case 'const':
      out = e.value ? { may: ALL(), must: ALL() } : { may: new Set(), must: new Set() };
      break;
    default:
      out = checkSets(e) ?? { may: ALL(), must: new Set() };
  }
  memo.set(e, out);
  return out;
}

/**
 * The event types a (macro-resolved) condition can match, in ALL_EVENT_TYPES
 * order. A condition that does not restrict evt.type gets every type.
 */
export function eventTypesOf(e: Expr): SyscallEventType[] {
  const may = sets(e, new Map()).may;
  return ALL_EVENT_TYPES.filter((t) => may.has(t));
}
