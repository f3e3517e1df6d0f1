/**
 * RawEvent (assembled records) → SyscallEvent (src/runtime/events.ts), with
 * the process table for ancestry and the container the caller attributed.
 * Strings are turned into text with bytesToText (exact, see bytes.ts). A path
 * the kernel side could not complete is left out, never guessed.
 */
import type { ContainerInfo, FdInfo, ProcessInfo, SyscallEvent } from '../events.js';
import type { RawEvent, RawPath, RawString } from './assemble.js';
import { bytesToText } from './bytes.js';
import { FIELD, SYS } from './protocol.js';
import type { ProcessTable } from './process-table.js';

export interface BuildStats {
  /** Paths left out because the kernel walk did not complete or records were lost. */
  incompletePaths: number;
  /** Strings cut at the chunk limit (kept as their prefix, listed in `args.truncated`). */
  truncatedStrings: number;
}

const UNSET_ID = 4294967295;

/** Lexical normalisation of an absolute path: `.`, `..` and repeated slashes. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function ipv4(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

export function ipv6(words: number[]): string {
  const b = Buffer.alloc(16);
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  // Longest run of two or more zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

const swap16 = (n: number) => ((n & 0xff) << 8) | ((n >> 8) & 0xff);

export class EventBuilder {
  readonly stats: BuildStats = { incompletePaths: 0, truncatedStrings: 0 };

  constructor(
    private readonly table: ProcessTable,
    /** Nanoseconds to add to bpf_ktime_get_ns() for the Unix epoch. */
    private readonly epochOffsetNs: number,
  ) {}

  build(raw: RawEvent, container: ContainerInfo | undefined): SyscallEvent | undefined {
    const truncated: string[] = [];
    const text = (s: RawString | undefined, name: string): string | undefined => {
      if (!s || s.incomplete) return undefined;
      if (s.truncated) {
        truncated.push(name);
        this.stats.truncatedStrings++;
      }
      return bytesToText(s.bytes);
    };
    const path = (p: RawPath | undefined): string | undefined => {
      if (!p) return undefined;
      if (!p.bytes) {
        this.stats.incompletePaths++;
        return undefined;
      }
      return bytesToText(p.bytes);
    };
    const str = (field: number, sub = 0) => raw.strings.get(field)?.get(sub);
    /** A user-memory path, resolved against the walked cwd/dirfd when relative. */
    const userPath = (field: number, baseField: number, name: string): string | undefined => {
      const t = text(str(field), name);
      if (t === undefined) return undefined;
      if (t.startsWith('/')) return normalizePath(t);
      const base = path(raw.paths.get(baseField));
      return base === undefined ? undefined : normalizePath(`${base}/${t}`);
    };

    const c = raw.ctx;
    const v = raw.values;
    const name = bytesToText(c.comm);
    const proc: ProcessInfo = { pid: c.pid, tid: raw.tid, ppid: c.ppid, uid: c.uid, gid: c.gid, name };
    const event: SyscallEvent = { source: 'syscall', time: raw.key + this.epochOffsetNs, type: 'execve', proc };
    const args: Record<string, string | number> = {};

    switch (raw.kind) {
      case 'exec': {
        let exe = path(raw.paths.get(FIELD.exe));
        if (exe !== undefined && v.exeNlink === 0) exe += ' (deleted)';
        const argv: string[] = [];
        const argc = v.argc!;
        for (let i = 0; ; i++) {
          const a = str(FIELD.arg, i);
          if (!a) break;
          const t = text(a, `arg${i}`);
          if (t === undefined) break;
          argv.push(t);
        }
        if (exe !== undefined) proc.exe = exe;
        if (argv.length > 0) {
          proc.argv0 = argv[0]!;
          proc.args = argv.slice(1);
        }
        const cwd = path(raw.paths.get(FIELD.cwd));
        if (cwd !== undefined) proc.cwd = cwd;
        if (v.loginuid !== UNSET_ID) proc.loginuid = v.loginuid!;
        proc.exeSetuid = (v.exeMode! & 0o6000) !== 0;
        // A shell reading its commands from and writing its output to the network: stdin and stdout are sockets.
        proc.stdioIsSocket = (v.stdioSockets! & 0b011) === 0b011;
        args.argc = argc;
        if (argv.length < argc) args.args_truncated = argc - argv.length;
        const filename = text(str(FIELD.filename), 'filename');
        if (filename !== undefined) args.filename = filename;
        this.table.onExec({ pid: c.pid, ppid: c.ppid, name, exe, args: proc.args, argv0: proc.argv0, cwd });
        break;
      }
      case 'exit': {
        event.type = 'procexit';
        args.status = v.exitCode!;
        args.code = (v.exitCode! >> 8) & 0xff;
        args.signal = v.exitCode! & 0x7f;
        break;
      }
      case 'open': {
        event.type = 'open';
        event.res = v.fd!;
        const fd: FdInfo = { typechar: 'f', openFlags: v.flags! };
        const p = path(raw.paths.get(FIELD.path));
        if (p !== undefined) fd.name = p;
        event.fd = fd;
        args.fd = v.fd!;
        args.flags = v.flags!;
        args.mode = v.imode!;
        break;
      }
      case 'socket': {
        event.type = v.sys === SYS.socket.connect ? 'connect' : 'accept';
        event.res = v.sys === SYS.socket.connect ? v.ret! : v.fd!;
        args.fd = v.fd!;
        if (v.family === 1) {
          const p = text(str(FIELD.unixPath), 'unix_path');
          event.fd = { typechar: 'u' };
          // An abstract socket name starts with a NUL byte, written "@" as ss(8) does.
          if (p !== undefined) event.fd.name = p === '' ? '@' : p;
          break;
        }
        const v6 = v.family === 10;
        const local = v6 ? ipv6([v.l6a!, v.l6b!, v.l6c!, v.l6d!]) : ipv4(v.laddr!);
        const remote = v6 ? ipv6([v.r6a!, v.r6b!, v.r6c!, v.r6d!]) : ipv4(v.raddr!);
        const lport = v.lport!;
        const rport = swap16(v.rport!);
        const outbound = event.type === 'connect';
        const fd: FdInfo = {
          typechar: v6 ? '6' : '4',
          cip: outbound ? local : remote,
          cport: outbound ? lport : rport,
          sip: outbound ? remote : local,
          sport: outbound ? rport : lport,
        };
        if (v.proto === 6) fd.l4proto = 'tcp';
        else if (v.proto === 17) fd.l4proto = 'udp';
        // IPv6 addresses in brackets, as the rule engine renders fd.name (src/runtime/rules/fields/syscall.ts).
        const wrap = (ip: string) => (v6 ? `[${ip}]` : ip);
        fd.name = `${wrap(fd.cip!)}:${fd.cport}->${wrap(fd.sip!)}:${fd.sport}`;
        event.fd = fd;
        break;
      }
      case 'setid': {
        const isUid = v.sys! <= SYS.setid.setresuid;
        event.type = isUid ? 'setuid' : 'setgid';
        const id = isUid ? 'uid' : 'gid';
        const [a, b, cc] = [v.a!, v.b!, v.c!];
        if (v.sys === SYS.setid.setuid || v.sys === SYS.setid.setgid) args[id] = a;
        else {
          args[`r${id}`] = a;
          args[`e${id}`] = b;
          if (v.sys === SYS.setid.setresuid || v.sys === SYS.setid.setresgid) args[`s${id}`] = cc;
          // The effective id is what changes privileges; -1 leaves it as it was.
          args[id] = b !== -1 ? b : a;
        }
        break;
      }
      case 'capset': {
        event.type = 'capset';
        event.res = v.ret!;
        args.cap_effective = v.effective!;
        args.cap_permitted = v.permitted!;
        args.cap_inheritable = v.inheritable!;
        break;
      }
      case 'ptrace': {
        event.type = 'ptrace';
        args.request = v.request!;
        args.pid = v.target!;
        break;
      }
      case 'mount': {
        event.type = 'mount';
        args.flags = v.flags!;
        const source = text(str(FIELD.source), 'source');
        if (source !== undefined) args.source = source;
        const target = userPath(FIELD.target, FIELD.base, 'target');
        if (target !== undefined) args.target = target;
        const fstype = text(str(FIELD.fstype), 'fstype');
        if (fstype !== undefined) args.fstype = fstype;
        if (v.sys === SYS.mount.move_mount) args.syscall = 'move_mount';
        if (v.sys === SYS.mount.fsopen) args.syscall = 'fsopen';
        break;
      }
      case 'module': {
        event.type = v.sys === SYS.module.finit_module ? 'finit_module' : 'init_module';
        const uargs = text(str(FIELD.name), 'uargs');
        if (uargs !== undefined) args.uargs = uargs;
        const p = path(raw.paths.get(FIELD.path));
        if (p !== undefined) {
          args.path = p;
          args.name = p.slice(p.lastIndexOf('/') + 1).replace(/\.ko(\.[a-z]+)?$/, '');
        }
        break;
      }
      case 'memfd': {
        event.type = 'memfd_create';
        args.flags = v.flags!;
        const n = text(str(FIELD.name), 'name');
        if (n !== undefined) {
          args.name = n;
          event.fd = { typechar: 'm', name: `memfd:${n}` };
        }
        break;
      }
      case 'chmod': {
        event.type = 'chmod';
        args.mode = v.mode!;
        const p = v.sys === SYS.chmod.fchmod ? path(raw.paths.get(FIELD.path)) : userPath(FIELD.upath, FIELD.base, 'path');
        if (p !== undefined) {
          args.path = p;
          args.filename = p;
        }
        break;
      }
      case 'unlink': {
        event.type = 'unlink';
        args.flags = v.flags!;
        const p = userPath(FIELD.upath, FIELD.base, 'path');
        if (p !== undefined) {
          args.path = p;
          args.name = p;
        }
        break;
      }
      case 'rename': {
        event.type = 'rename';
        args.flags = v.flags!;
        const from = userPath(FIELD.upath, FIELD.base, 'oldpath');
        const to = userPath(FIELD.upath2, FIELD.base2, 'newpath');
        if (from !== undefined) args.oldpath = from;
        if (to !== undefined) args.newpath = to;
        break;
      }
    }

    if (raw.kind !== 'exec') {
      const entry = this.table.touch(c.pid, c.ppid, name);
      if (entry.exe !== undefined) proc.exe = entry.exe;
      if (entry.args !== undefined) proc.args = entry.args;
      if (entry.argv0 !== undefined) proc.argv0 = entry.argv0;
      if (entry.cwd !== undefined) proc.cwd = entry.cwd;
    }
    const anc = this.table.ancestry(c.ppid);
    if (anc.pids.length > 0) {
      proc.ancestors = anc.names;
      proc.ancestorExes = anc.exes.map((e) => e ?? '');
      proc.ancestorPids = anc.pids;
    }
    if (raw.kind === 'exit') this.table.onExit(c.pid);
    if (truncated.length > 0) args.truncated = truncated.join(',');
    if (Object.keys(args).length > 0) event.args = args;
    if (container) event.container = container;
    return event;
  }
}
