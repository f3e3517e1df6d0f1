/**
 * Falco syscall fields over Bulkhead's SyscallEvent (src/runtime/events.ts):
 * evt.*, proc.*, thread.*, user.*, group.*, container.*, k8s.*, fd.*.
 * Fields Falco has and our events cannot carry are not listed here: a rule
 * using them is disabled with the field's name (see the registry).
 */
import type { ProcessInfo, SyscallEventType } from '../../events.js';
import { argField, evtArgsText } from './evt-args.js';
import { args, cip, clockText, cmdline, fdName, FD_TYPE, fileDir, fileName, image, ips, isoTime, isServerSide, openFlags, pcmdline, proc, shortContainerId, sip } from './derived.js';
import { EXEC_BITS, O_ACCMODE, O_CREAT, O_RDWR, O_TMPFILE, O_WRONLY, resText } from './tables.js';
import { parseIndex, simple, type BoundField, type EvalCtx, type FieldSpec } from './types.js';

export { clockText, isoTime, shortContainerId, splitImage, type ProcessInfoExtras } from './derived.js';

/** Event types whose enter-side arguments rules read (`evt.dir = >`): the event stands for both directions. */
const BOTH_DIRECTIONS: ReadonlySet<SyscallEventType> = new Set<SyscallEventType>(['ptrace', 'setuid', 'setgid', 'capset']);
const DIR_EXIT = ['<'];
const DIR_BOTH = ['<', '>'];

function ancestorField(name: string, type: 'string' | 'number', desc: string, pick: (p: ProcessInfo, n: number) => string | number | undefined, all: (p: ProcessInfo) => Array<string | number> | undefined): FieldSpec {
  const anyBound: BoundField = { name, type, multi: 'any', get: (c) => all(c.proc) };
  return {
    name,
    source: 'syscall',
    type,
    desc,
    arg: 'optional',
    bind(arg) {
      if (arg === undefined) return anyBound;
      const n = parseIndex(arg);
      if (typeof n === 'string') return n;
      return { name: `${name}[${n}]`, type, get: (c) => pick(c.proc, n) };
    },
  };
}

function keyField(name: string, desc: string, get: (c: EvalCtx, key: string) => string | undefined): FieldSpec {
  return {
    name,
    source: 'syscall',
    type: 'string',
    desc,
    arg: 'required',
    bind(arg) {
      if (arg === undefined || arg.length === 0) return `${name} needs a key argument: ${name}[<key>]`;
      return { name: `${name}[${arg}]`, type: 'string', get: (c) => get(c, arg) };
    },
  };
}

const S = 'syscall' as const;

export const SYSCALL_FIELDS: FieldSpec[] = [
  // evt.*
  simple('evt.num', S, 'number', 'Event number in this rule set, from 1 (never 0).', (c) => c.num),
  simple('evt.type', S, 'string', "Event type, Bulkhead's name for the syscall family (execve, open, connect, …); Falco aliases (openat, accept4, …) compare equal.", (c) => c.type),
  simple('evt.dir', S, 'string', "Direction: '<' (exit). ptrace, setuid, setgid and capset events also compare equal to '>' (their arguments are the enter-side ones).", (c) => (c.type !== undefined && BOTH_DIRECTIONS.has(c.type) ? DIR_BOTH : DIR_EXIT), { multi: 'any' }),
  simple('evt.source', S, 'string', 'Event source: syscall.', () => 'syscall'),
  simple('evt.rawtime', S, 'number', 'Event time, ns since the epoch.', (c) => c.time),
  simple('evt.time', S, 'string', 'Event time of day, HH:MM:SS.nnnnnnnnn (UTC).', (c) => clockText(c.time)),
  simple('evt.datetime', S, 'string', 'Event time, ISO 8601.', (c) => isoTime(c.time)),
  simple('evt.rawres', S, 'number', 'Return value of the syscall.', (c) => c.res),
  simple('evt.res', S, 'string', "Return value as text: SUCCESS or the errno name (ENOENT, …).", (c) => (c.res === undefined ? undefined : resText(c.res))),
  simple('evt.failed', S, 'bool', 'True when the syscall returned an error.', (c) => c.res !== undefined && c.res < 0),
  simple('evt.is_open_read', S, 'bool', 'open events that opened the file for reading.', (c) => {
    const f = openFlags(c);
    return f !== undefined && (f & O_ACCMODE) !== O_WRONLY;
  }),
  simple('evt.is_open_write', S, 'bool', 'open events that opened the file for writing.', (c) => {
    const f = openFlags(c);
    return f !== undefined && ((f & O_ACCMODE) === O_WRONLY || (f & O_ACCMODE) === O_RDWR);
  }),
  simple('evt.is_open_exec', S, 'bool', 'open events that created a file with an execute permission bit.', (c) => {
    const f = openFlags(c);
    const mode = c.args?.mode;
    return f !== undefined && ((f & O_CREAT) !== 0 || (f & O_TMPFILE) === O_TMPFILE) && typeof mode === 'number' && (mode & EXEC_BITS) !== 0;
  }),
  simple('evt.args', S, 'string', 'All arguments as name=value text.', evtArgsText),
  argField('evt.arg', 'Argument by name (evt.arg.uid, evt.arg.flags) or position (evt.arg[0]), rendered as Falco does.', false),
  argField('evt.rawarg', 'Argument by name or position, unrendered.', true),

  // proc.* / thread.*
  simple('proc.pid', S, 'number', 'Process id.', (c) => c.proc.pid),
  simple('proc.ppid', S, 'number', 'Parent process id.', (c) => c.proc.ppid ?? c.proc.ancestorPids?.[0]),
  simple('proc.vpid', S, 'number', "Process id inside the container's pid namespace (ProcessInfo.vpid, when the sensor provides it).", (c) => proc(c).vpid),
  simple('proc.sid', S, 'number', 'Session id (ProcessInfo.sid, when the sensor provides it).', (c) => proc(c).sid),
  simple('proc.tty', S, 'number', 'Controlling terminal, 0 for none (ProcessInfo.tty, when the sensor provides it).', (c) => proc(c).tty),
  simple('thread.tid', S, 'number', 'Thread id.', (c) => c.proc.tid ?? c.proc.pid),
  simple('proc.name', S, 'string', 'Process name (comm).', (c) => c.proc.name),
  simple('proc.exe', S, 'string', 'First command-line argument (argv[0]), else the executable path.', (c) => c.proc.argv0 ?? c.proc.exe),
  simple('proc.exepath', S, 'string', 'Executable path.', (c) => c.proc.exe),
  simple('proc.args', S, 'string', 'Arguments (argv[1..]) joined with spaces.', args),
  simple('proc.cmdline', S, 'string', 'proc.name followed by the arguments.', cmdline),
  simple('proc.cwd', S, 'string', 'Working directory.', (c) => c.proc.cwd),
  simple('proc.pname', S, 'string', 'Parent process name.', (c) => c.proc.ancestors?.[0]),
  simple('proc.pexe', S, 'string', 'Parent executable path (Bulkhead has no parent argv[0]).', (c) => c.proc.ancestorExes?.[0]),
  simple('proc.pexepath', S, 'string', 'Parent executable path.', (c) => c.proc.ancestorExes?.[0]),
  simple('proc.pcmdline', S, 'string', 'Parent name followed by its arguments (ProcessInfo.parentArgs when the sensor provides them, else the name alone).', pcmdline),
  ancestorField('proc.aname', 'string', 'Ancestor name: [0] the process, [1] the parent, …; without index, any ancestor.', (p, n) => (n === 0 ? p.name : p.ancestors?.[n - 1]), (p) => p.ancestors),
  ancestorField('proc.apid', 'number', 'Ancestor pid: [0] the process, [1] the parent, …; without index, any ancestor.', (p, n) => (n === 0 ? p.pid : (p.ancestorPids?.[n - 1] ?? (n === 1 ? p.ppid : undefined))), (p) => p.ancestorPids),
  ancestorField('proc.aexe', 'string', 'Ancestor executable path: [0] the process, [1] the parent, …', (p, n) => (n === 0 ? (p.argv0 ?? p.exe) : p.ancestorExes?.[n - 1]), (p) => p.ancestorExes),
  ancestorField('proc.aexepath', 'string', 'Ancestor executable path: [0] the process, [1] the parent, …', (p, n) => (n === 0 ? p.exe : p.ancestorExes?.[n - 1]), (p) => p.ancestorExes),
  simple('proc.is_exe_writable', S, 'bool', 'The executable was written after the container started (ProcessInfo.exeWritable).', (c) => c.proc.exeWritable),
  simple('proc.is_exe_upper_layer', S, 'bool', 'The executable is on the overlay upper layer.', (c) => c.proc.exeUpperLayer),
  simple('proc.is_exe_from_memfd', S, 'bool', 'The executable is an anonymous memory file (fileless execution).', (c) => {
    const exe = c.proc.exe;
    return exe === undefined ? undefined : exe.startsWith('/memfd:') || (c.type === 'execve' && c.fd?.typechar === 'm');
  }),
  simple('proc.exe_drift', S, 'bool', 'Bulkhead: the executable is not what the image shipped (drift), from ProcessInfo.exeWritable.', (c) => c.proc.exeWritable),
  simple('proc.is_stdio_socket', S, 'bool', 'Bulkhead: stdin/stdout/stderr are sockets (reverse-shell pattern), from ProcessInfo.stdioIsSocket.', (c) => c.proc.stdioIsSocket),
  simple('proc.is_exe_setuid', S, 'bool', 'Bulkhead: the executable file is setuid or setgid, from ProcessInfo.exeSetuid.', (c) => c.proc.exeSetuid),

  // user.* / group.*
  simple('user.uid', S, 'number', 'User id.', (c) => c.proc.uid),
  simple('user.name', S, 'string', "User name: 'root' for uid 0; unknown otherwise (no passwd lookup).", (c) => (c.proc.uid === 0 ? 'root' : undefined)),
  simple('user.loginuid', S, 'number', 'Audit login uid.', (c) => c.proc.loginuid),
  simple('user.loginname', S, 'string', "Login user name: 'root' for login uid 0; unknown otherwise.", (c) => (c.proc.loginuid === 0 ? 'root' : undefined)),
  simple('group.gid', S, 'number', 'Group id.', (c) => c.proc.gid),
  simple('group.name', S, 'string', "Group name: 'root' for gid 0; unknown otherwise.", (c) => (c.proc.gid === 0 ? 'root' : undefined)),

  // container.* / k8s.*
  simple('container.id', S, 'string', "Container id (12 characters for 64-hex ids), 'host' for host processes.", (c) => (c.container ? shortContainerId(c.container.id) : 'host')),
  simple('container.full_id', S, 'string', "Full container id, 'host' for host processes.", (c) => c.container?.id ?? 'host'),
  simple('container.name', S, 'string', "Container name, 'host' for host processes.", (c) => (c.container ? c.container.name : 'host')),
  simple('container.image', S, 'string', 'Image reference as the runtime recorded it.', (c) => c.container?.image),
  simple('container.image.repository', S, 'string', 'Image repository (reference without tag or digest).', (c) => image(c)?.repository),
  simple('container.image.tag', S, 'string', 'Image tag.', (c) => image(c)?.tag),
  simple('container.image.digest', S, 'string', 'Image digest.', (c) => c.container?.imageDigest ?? image(c)?.digest),
  simple('container.privileged', S, 'bool', 'The container runs privileged.', (c) => c.container?.privileged),
  simple('container.type', S, 'string', 'Container runtime (runc, containerd, …).', (c) => c.container?.runtime),
  keyField('container.label', 'Container label by key.', (c, k) => c.container?.labels?.[k]),
  simple('k8s.pod.name', S, 'string', 'Kubernetes pod name.', (c) => c.container?.pod?.name),
  simple('k8s.ns.name', S, 'string', 'Kubernetes namespace.', (c) => c.container?.pod?.namespace),
  simple('k8s.pod.uid', S, 'string', 'Kubernetes pod uid.', (c) => c.container?.pod?.uid),
  simple('k8s.pod.labels', S, 'string', 'Kubernetes pod labels as key:value, comma separated.', (c) => {
    const l = c.container?.pod?.labels;
    return l === undefined ? undefined : Object.entries(l).map(([k, v]) => `${k}:${v}`).join(', ');
  }),
  keyField('k8s.pod.label', 'Kubernetes pod label by key.', (c, k) => c.container?.pod?.labels?.[k]),

  // fd.*
  simple('fd.num', S, 'number', 'File descriptor number: the return value of a successful open, -1 when it failed.', (c) => {
    if (c.type !== 'open' || c.res === undefined) return undefined;
    return c.res >= 0 ? c.res : -1;
  }),
  simple('fd.name', S, 'string', 'File path, or cip:cport->sip:sport for sockets.', fdName),
  simple('fd.directory', S, 'string', 'Directory of the file.', fileDir),
  simple('fd.filename', S, 'string', 'File name without directory.', fileName),
  simple('fd.typechar', S, 'string', "f file, 4 IPv4, 6 IPv6, u unix, m memfd.", (c) => c.fd?.typechar ?? (c.type === 'open' && c.fd ? 'f' : undefined)),
  simple('fd.type', S, 'string', 'file, ipv4, ipv6, unix or memfd.', (c) => {
    const t = c.fd?.typechar ?? (c.type === 'open' && c.fd ? 'f' : undefined);
    return t === undefined ? undefined : FD_TYPE[t];
  }),
  simple('fd.sockfamily', S, 'string', 'ip or unix, for sockets.', (c) => {
    const t = c.fd?.typechar;
    return t === '4' || t === '6' ? 'ip' : t === 'u' ? 'unix' : undefined;
  }),
  simple('fd.l4proto', S, 'string', 'tcp or udp.', (c) => c.fd?.l4proto),
  simple('fd.cip', S, 'ip', 'Client address.', cip),
  simple('fd.sip', S, 'ip', 'Server address.', sip),
  simple('fd.lip', S, 'ip', 'Local address.', (c) => (isServerSide(c) ? sip(c) : cip(c))),
  simple('fd.rip', S, 'ip', 'Remote address.', (c) => (isServerSide(c) ? cip(c) : sip(c))),
  simple('fd.cport', S, 'number', 'Client port.', (c) => c.fd?.cport),
  simple('fd.sport', S, 'number', 'Server port.', (c) => c.fd?.sport),
  simple('fd.lport', S, 'number', 'Local port.', (c) => (isServerSide(c) ? c.fd?.sport : c.fd?.cport)),
  simple('fd.rport', S, 'number', 'Remote port.', (c) => (isServerSide(c) ? c.fd?.cport : c.fd?.sport)),
  simple('fd.ip', S, 'ip', 'Client or server address (matches when either does).', ips, { multi: 'any' }),
  simple('fd.port', S, 'number', 'Client or server port (matches when either does).', (c) => [c.fd?.cport, c.fd?.sport].filter((x) => x !== undefined), { multi: 'any' }),
  simple('fd.net', S, 'net', 'Client or server address compared with a network (matches when either is in it).', ips, { multi: 'any' }),
  simple('fd.cnet', S, 'net', 'Client address compared with a network.', cip),
  simple('fd.snet', S, 'net', 'Server address compared with a network.', sip),
  simple('fd.lnet', S, 'net', 'Local address compared with a network.', (c) => (isServerSide(c) ? sip(c) : cip(c))),
  simple('fd.rnet', S, 'net', 'Remote address compared with a network.', (c) => (isServerSide(c) ? cip(c) : sip(c))),
  simple('fd.cip.name', S, 'string', 'Domain name of the client address: never available (Bulkhead does no DNS tracking).', () => undefined, { never: true }),
  simple('fd.sip.name', S, 'string', 'Domain name of the server address: never available (Bulkhead does no DNS tracking).', () => undefined, { never: true }),
  simple('fd.lip.name', S, 'string', 'Domain name of the local address: never available.', () => undefined, { never: true }),
  simple('fd.rip.name', S, 'string', 'Domain name of the remote address: never available.', () => undefined, { never: true }),
];
