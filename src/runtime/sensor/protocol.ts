/**
 * The record protocol between the generated bpftrace program and the
 * decoder: one table that both sides are built from, so they cannot drift.
 *
 * Every record is a bpftrace tuple printed with `print((…))`, which bpftrace
 * JSON-escapes field by field (never printf: its output is not escaped, so a
 * hostile file name could inject fields). A record starts with a one-letter
 * code, the thread id and a key (`nsecs` taken at the start of the probe): the
 * pieces of one event (string chunks, path components) share tid and key and
 * are printed before the event's main record, in the same probe run, so they
 * sit before it in the same per-CPU buffer.
 */

/** Piece records: string chunks, dentry path components, walk summaries. */
export const PIECE = {
  /** ("s", tid, key, field, sub, chunk, text): a chunk of a string (user or kernel memory). */
  string: 's',
  /** ("d", tid, key, field, depth, chunk, text): one path component, leaf first (depth 0). */
  component: 'd',
  /** ("w", tid, key, field, depth, status): end of a dentry walk. */
  walk: 'w',
} as const;

/** ("B", nsecs): printed by BEGIN, which bpftrace runs once every probe is attached. */
export const READY = 'B';

/** Chunk index of the marker a string reader prints when the string went on past its last chunk. */
export const TRUNCATED_CHUNK = 255;

/** Walk status: how a dentry walk ended. */
export const WALK = {
  /** Stopped at the depth limit: the path is incomplete. */
  depthLimit: 0,
  /** Reached the task's root: the path is complete and absolute in the task's view. */
  root: 1,
  /** Reached a root that is not the task's (detached, memfd, outside a chroot). */
  detached: 2,
  /** Reached the root of another mount and could not cross it (struct mount layout unknown). */
  otherMount: 3,
} as const;

/** String and path field ids (the `field` of piece records). */
export const FIELD = {
  exe: 1,
  cwd: 2,
  filename: 3,
  arg: 4,
  path: 5,
  upath: 6,
  upath2: 7,
  base: 8,
  base2: 9,
  source: 10,
  target: 11,
  fstype: 12,
  name: 13,
  unixPath: 14,
} as const;
export type FieldId = (typeof FIELD)[keyof typeof FIELD];

/** Fields every main record carries after (code, tid, key), in this order. */
export const CONTEXT_FIELDS = [
  { name: 'pid', expr: 'pid' },
  { name: 'ppid', expr: 'curtask->real_parent->tgid' },
  { name: 'uid', expr: 'curtask->cred->euid.val' },
  { name: 'gid', expr: 'curtask->cred->egid.val' },
  { name: 'cgroup', expr: 'cgroup' },
  { name: 'pidns', expr: 'curtask->nsproxy->pid_ns_for_children->ns.inum' },
  { name: 'comm', expr: 'comm' },
] as const;
export const CONTEXT_LENGTH = 3 + CONTEXT_FIELDS.length;

/**
 * Main records: code → event kind and the names of the fields after the
 * context. The generator writes the expressions for these names in this order.
 */
export const MAIN = {
  X: { kind: 'exec', fields: ['argc', 'exeMode', 'exeNlink', 'stdioSockets', 'loginuid'] },
  Q: { kind: 'exit', fields: ['exitCode'] },
  O: { kind: 'open', fields: ['sys', 'fd', 'flags', 'fmode', 'imode'] },
  C: {
    kind: 'socket',
    fields: ['sys', 'ret', 'fd', 'family', 'proto', 'laddr', 'lport', 'raddr', 'rport', 'l6a', 'l6b', 'l6c', 'l6d', 'r6a', 'r6b', 'r6c', 'r6d'],
  },
  U: { kind: 'setid', fields: ['sys', 'a', 'b', 'c'] },
  K: { kind: 'capset', fields: ['ret', 'effective', 'permitted', 'inheritable'] },
  P: { kind: 'ptrace', fields: ['request', 'target'] },
  M: { kind: 'mount', fields: ['sys', 'flags'] },
  L: { kind: 'module', fields: ['sys', 'fd', 'flags'] },
  F: { kind: 'memfd', fields: ['flags'] },
  H: { kind: 'chmod', fields: ['sys', 'mode', 'dfd'] },
  R: { kind: 'unlink', fields: ['sys', 'dfd', 'flags'] },
  N: { kind: 'rename', fields: ['sys', 'olddfd', 'newdfd', 'flags'] },
} as const;
export type MainCode = keyof typeof MAIN;
export type MainKind = (typeof MAIN)[MainCode]['kind'];

/** Syscall numbers inside a record kind (the `sys` field): which syscall of the family ran. */
export const SYS = {
  open: { open: 1, openat: 2, openat2: 3, creat: 4 },
  socket: { connect: 1, accept: 2, accept4: 3 },
  setid: { setuid: 1, setreuid: 2, setresuid: 3, setgid: 4, setregid: 5, setresgid: 6 },
  mount: { mount: 1, move_mount: 2, fsopen: 3 },
  module: { init_module: 1, finit_module: 2 },
  chmod: { chmod: 1, fchmod: 2, fchmodat: 3, fchmodat2: 4 },
  unlink: { unlink: 1, unlinkat: 2, rmdir: 3 },
  rename: { rename: 1, renameat: 2, renameat2: 3 },
} as const;

export function isMainCode(code: string): code is MainCode {
  return Object.prototype.hasOwnProperty.call(MAIN, code);
}
