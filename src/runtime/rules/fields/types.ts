/**
 * What a field is to the compiler: its value type, whether it yields several
 * values, and a getter bound to its argument. Getters read the event through
 * an EvalCtx that caches values derived once per event (command line, parsed
 * addresses) so that many rules reading them pay once.
 */
import type { K8sAuditEvent, SyscallEvent } from '../../events.js';
import type { ParsedIp } from './net.js';

export type Source = 'syscall' | 'k8s_audit';
export const SUPPORTED_SOURCES: readonly Source[] = ['syscall', 'k8s_audit'];

/**
 * `string`, `number`, `bool`; `ip` (one address, compared as an address),
 * `net` (addresses compared with CIDR networks).
 */
export type FieldType = 'string' | 'number' | 'bool' | 'ip' | 'net';

export interface ImageParts {
  repository: string;
  tag?: string;
  digest?: string;
}

export type FieldValue = string | number | boolean | ParsedIp;

export class EvalCtx {
  // The parts of a syscall event the fields read, copied once so that every
  // getter reads one object shape (events themselves come in many shapes).
  readonly type: SyscallEvent['type'] | undefined;
  readonly time: number;
  readonly res: number | undefined;
  readonly proc: SyscallEvent['proc'];
  readonly container: SyscallEvent['container'];
  readonly fd: SyscallEvent['fd'];
  readonly args: SyscallEvent['args'];
  // Per-event caches, declared up front so every context has the same shape.
  cmdline: string | undefined = undefined;
  argsText: string | undefined = undefined;
  pcmdline: string | undefined = undefined;
  cip: ParsedIp | null | undefined = undefined;
  sip: ParsedIp | null | undefined = undefined;
  ips: ParsedIp[] | undefined = undefined;
  flags: string | undefined = undefined;
  dir: string | undefined = undefined;
  file: string | undefined = undefined;
  image: ImageParts | undefined = undefined;
  k8s: Map<string, unknown> | undefined = undefined;
  constructor(
    readonly ev: SyscallEvent | K8sAuditEvent,
    /** `evt.num`: position of the event in what this rule set has evaluated, from 1. */
    readonly num: number,
  ) {
    const e = ev as SyscallEvent;
    this.type = e.type;
    this.time = e.time;
    this.res = e.res;
    this.proc = e.proc;
    this.container = e.container;
    this.fd = e.fd;
    this.args = e.args;
  }
  get sys(): SyscallEvent {
    return this.ev as SyscallEvent;
  }
  get audit(): K8sAuditEvent {
    return this.ev as K8sAuditEvent;
  }
}

export type Getter = (ctx: EvalCtx) => unknown;

export interface BoundField {
  /** Display name with argument: `proc.aname[2]`. */
  name: string;
  type: FieldType;
  /**
   * `list`: several values, `in` means every value is in the set and
   * `intersects` means one is (k8s list fields). `any`: several candidates,
   * the check holds when one of them satisfies it (`proc.aname` without an
   * index, `fd.ip`, `fd.net`).
   */
  multi?: 'list' | 'any';
  /** The value is never available in Bulkhead events (checks on it are always false). */
  never?: boolean;
  get: Getter;
}

export interface FieldSpec {
  name: string;
  source: Source;
  type: FieldType;
  desc: string;
  /** `none`: no argument; `optional`/`required`: `[arg]` (or `.arg` when `dotted`). */
  arg?: 'optional' | 'required';
  /** The argument can also be written as a dotted suffix (`evt.arg.uid`). */
  dotted?: boolean;
  multi?: 'list' | 'any';
  never?: boolean;
  /** Bind the argument; returns an error message when the argument is invalid. */
  bind(arg: string | undefined): BoundField | string;
}

/** Helper for fields without arguments. */
export function simple(
  name: string,
  source: Source,
  type: FieldType,
  desc: string,
  get: Getter,
  extra: { multi?: 'list' | 'any'; never?: boolean } = {},
): FieldSpec {
  const bound: BoundField = { name, type, get, ...extra };
  return { name, source, type, desc, ...extra, bind: () => bound };
}

/** Parse a non-negative ancestor/argument index. */
export function parseIndex(arg: string, max = 64): number | string {
  if (!/^\d+$/.test(arg)) return `expected a number as argument, got "${arg}"`;
  const n = Number(arg);
  if (n > max) return `argument ${n} is larger than ${max}`;
  return n;
}
