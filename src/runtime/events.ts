/**
 * The typed runtime event: what the sensor (src/runtime/sensor) produces from
 * kernel probes, what `bulkhead runtime replay` reads back from JSON lines,
 * and what the rule engine (src/runtime/rules) evaluates Falco-style field
 * names against (`proc.name`, `fd.name`, `container.id`, …).
 *
 * Strings that come from the traced process (paths, names, arguments) are
 * attacker-controlled: they are kept as decoded text, never re-parsed.
 * A value the sensor could not read is absent, never an empty string that a
 * rule could match.
 */

/** Kernel-level event kinds, named after the syscall family as Falco does. */
export type SyscallEventType =
  | 'execve'
  | 'procexit'
  | 'open'
  | 'connect'
  | 'accept'
  | 'setuid'
  | 'setgid'
  | 'capset'
  | 'ptrace'
  | 'mount'
  | 'init_module'
  | 'finit_module'
  | 'memfd_create'
  | 'chmod'
  | 'unlink'
  | 'rename';

export interface ProcessInfo {
  pid: number;
  /** Parent pid as the kernel saw it at the event. */
  ppid?: number;
  tid?: number;
  uid?: number;
  gid?: number;
  /** Login uid (audit), when known. */
  loginuid?: number;
  /** Task name (`comm`, at most 15 bytes in Linux). */
  name: string;
  /** Executable path of the process image. */
  exe?: string;
  /** argv[1..] (argv[0] is in `argv0`). */
  args?: string[];
  argv0?: string;
  cwd?: string;
  /** Names of ancestors, nearest first: `[parent, grandparent, …]` (what `proc.aname[n]` reads). */
  ancestors?: string[];
  /** Executable paths of ancestors, nearest first. */
  ancestorExes?: string[];
  /** pids of ancestors, nearest first. */
  ancestorPids?: number[];
  /** True when stdin/stdout/stderr are sockets (reverse-shell pattern). */
  stdioIsSocket?: boolean;
  /** The executable was written after the container started (drift), when the sensor knows. */
  exeWritable?: boolean;
  /** The executable is on the overlay upper layer. */
  exeUpperLayer?: boolean;
  /** The executable file is setuid/setgid. */
  exeSetuid?: boolean;
}

export interface ContainerInfo {
  id: string;
  name?: string;
  /** Image reference as the runtime recorded it (`registry/repo:tag`). */
  image?: string;
  imageDigest?: string;
  runtime?: 'runc' | 'crun' | 'containerd' | 'cri-o' | 'podman' | 'docker' | string;
  labels?: Record<string, string>;
  privileged?: boolean;
  /** Kubernetes pod, from the runtime's labels when present. */
  pod?: { name: string; namespace: string; uid?: string; labels?: Record<string, string> };
  /** cgroup v2 directory inode and pid-namespace inode the sensor attributed the event by. */
  cgroupId?: number;
  pidNs?: number;
}

export interface FdInfo {
  /** File path, or `sip:sport->dip:dport` for sockets (Falco's fd.name form). */
  name?: string;
  /** `f` file, `4` IPv4, `6` IPv6, `u` unix, `m` memfd (Falco's fd.typechar). */
  typechar?: 'f' | '4' | '6' | 'u' | 'm';
  /** open(2) flags as numbers; the rule engine derives is_open_read/write from them. */
  openFlags?: number;
  l4proto?: 'tcp' | 'udp';
  /** client (source) and server (destination) ends, for connect/accept. */
  cip?: string;
  cport?: number;
  sip?: string;
  sport?: number;
}

export interface SyscallEvent {
  source: 'syscall';
  /** Nanoseconds since the Unix epoch. */
  time: number;
  type: SyscallEventType;
  /** Return value of the syscall, when traced on exit. */
  res?: number;
  proc: ProcessInfo;
  /** Absent for host processes. */
  container?: ContainerInfo;
  fd?: FdInfo;
  /**
   * Syscall-specific arguments, named as Falco's `evt.arg.*`: `uid` (setuid),
   * `gid` (setgid), `cap_effective` (capset), `request`/`pid` (ptrace),
   * `source`/`target`/`fstype` (mount), `name` (init_module, memfd_create),
   * `mode` (chmod), `oldpath`/`newpath` (rename), `path` (unlink, chmod).
   */
  args?: Record<string, string | number>;
}

/** A Kubernetes audit event (audit.k8s.io/v1 Event), evaluated with `ka.*` fields. */
export interface K8sAuditEvent {
  source: 'k8s_audit';
  time: number;
  /** The audit event as received. */
  event: Record<string, unknown>;
}

export type RuntimeEvent = SyscallEvent | K8sAuditEvent;
