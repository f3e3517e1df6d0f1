/**
 * `evt.arg.<name>`, `evt.arg[N]`, `evt.rawarg.*` and `evt.args`: syscall
 * arguments named and ordered as Falco's event tables have them, rendered as
 * Falco prints them (open flags, modes, ptrace requests), from the typed
 * event first and the sensor's `args` otherwise.
 */
import type { SyscallEventType } from '../../events.js';
import { args, fdName, flagsText } from './derived.js';
import { modeText, ptraceRequestText } from './tables.js';
import type { EvalCtx, FieldSpec, Getter } from './types.js';

function rawArg(c: EvalCtx, key: string): string | number | undefined {
  return c.args?.[key];
}

/**
 * `evt.arg.<name>` as Falco renders it: derived from the typed event where
 * Falco has a parameter of that name, else the sensor's `args` entry.
 */
export function evtArg(c: EvalCtx, key: string): string | number | undefined {
  const e = c;
  const raw = e.args?.[key];
  switch (e.type) {
    case 'open':
      if (key === 'name') return e.fd?.name ?? raw;
      if (key === 'flags') return flagsText(c) ?? raw;
      if (key === 'fd') return e.res ?? raw;
      if (key === 'mode' && typeof raw === 'number') return `0${raw.toString(8)}`;
      break;
    case 'execve':
      if (key === 'exe') return e.proc.argv0 ?? e.proc.exe ?? raw;
      if (key === 'filename') return e.proc.exe ?? raw;
      if (key === 'args') return args(c) ?? raw;
      if (key === 'cwd') return e.proc.cwd ?? raw;
      if (key === 'pid') return e.proc.pid;
      if (key === 'ptid') return e.proc.ppid ?? raw;
      break;
    case 'connect':
    case 'accept':
      if (key === 'tuple') return fdName(c) ?? raw;
      break;
    case 'ptrace':
      if (key === 'request' && raw !== undefined) return ptraceRequestText(raw);
      break;
    case 'chmod':
      if (key === 'mode' && typeof raw === 'number') return modeText(raw);
      if (key === 'filename') return e.args?.path ?? raw;
      break;
    case 'unlink':
      if (key === 'name') return e.args?.path ?? raw;
      break;
    case 'mount':
      if (key === 'dev') return e.args?.source ?? raw;
      if (key === 'dir') return e.args?.target ?? raw;
      if (key === 'type') return e.args?.fstype ?? raw;
      break;
    default:
      break;
  }
  if (key === 'res' && raw === undefined) return e.res;
  return raw;
}

/** Falco's parameter order for `evt.arg[N]`, for the event types Bulkhead produces. */
const ARG_ORDER: Partial<Record<SyscallEventType, readonly string[]>> = {
  open: ['fd', 'dirfd', 'name', 'flags', 'mode'],
  execve: ['res', 'exe', 'args', 'tid', 'pid', 'ptid', 'cwd'],
  connect: ['res', 'tuple', 'fd'],
  accept: ['fd', 'tuple'],
  setuid: ['uid'],
  setgid: ['gid'],
  capset: ['res', 'cap_inheritable', 'cap_permitted', 'cap_effective'],
  ptrace: ['request', 'pid'],
  mount: ['res', 'dev', 'dir', 'type'],
  init_module: ['res', 'name'],
  finit_module: ['res', 'fd', 'uargs', 'flags'],
  memfd_create: ['fd', 'name', 'flags'],
  chmod: ['res', 'filename', 'mode'],
  unlink: ['res', 'path'],
  rename: ['res', 'oldpath', 'newpath'],
  procexit: ['status'],
};

export function evtArgsText(c: EvalCtx): string {
  const order = (c.type && ARG_ORDER[c.type]) || [];
  const keys = new Set([...order, ...Object.keys(c.args ?? {})]);
  const parts: string[] = [];
  for (const k of keys) {
    const v = evtArg(c, k);
    if (v !== undefined) parts.push(`${k}=${v}`);
  }
  return parts.join(' ');
}

const asText = (v: string | number | undefined): string | undefined => (typeof v === 'number' ? String(v) : v);

export function argField(name: string, desc: string, raw: boolean): FieldSpec {
  return {
    name,
    source: 'syscall',
    type: 'string',
    desc,
    arg: 'required',
    dotted: true,
    bind(arg) {
      if (arg === undefined) return `${name} needs an argument: ${name}.<name> or ${name}[<index>]`;
      if (/^\d+$/.test(arg)) {
        const i = Number(arg);
        const get: Getter = (c) => {
          const key = c.type ? ARG_ORDER[c.type]?.[i] : undefined;
          return key === undefined ? undefined : asText(raw ? rawArg(c, key) : evtArg(c, key));
        };
        return { name: `${name}[${i}]`, type: 'string', get };
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg)) return `invalid argument name "${arg}"`;
      return { name: `${name}.${arg}`, type: 'string', get: (c) => asText(raw ? rawArg(c, arg) : evtArg(c, arg)) };
    },
  };
}
