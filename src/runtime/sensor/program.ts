/**
 * Generates the one bpftrace program the sensor runs. Only tracepoints are
 * used (kprobes and fentry need `available_filter_functions`, which hardened
 * and virtualised kernels hide). Design:
 *
 * - Every record is a `print((…))` tuple (JSON-escaped by bpftrace), never
 *   printf; see protocol.ts for the layout.
 * - Paths of opened files, executables, the cwd and dirfds are resolved in
 *   the kernel by walking dentries (and crossing mounts through
 *   `struct mount`), one record per component. That is the path the kernel
 *   used: no user-memory race, no relative path, no symlink or `..` trick,
 *   and no empty string when the user page is not mapped yet.
 * - Strings only user memory holds (argv, chmod/unlink/rename/mount
 *   arguments, memfd names) are read in chunks of STRLEN-1 bytes while the
 *   previous chunk was full, up to a bound.
 * - Opens are decided at syscall exit: writes (O_WRONLY/O_RDWR/O_TRUNC or a
 *   created file) are forwarded for regular files and devices other than the
 *   harmless character devices; read-only opens only for regular files under
 *   the sensitive patterns (read-filter.ts), unless forwardAllOpens.
 * - BPFTRACE_STRLEN is 160 by default: bpftrace 0.17 keeps strings on the
 *   512-byte BPF stack and the exec probe needs several string sites.
 */
import { AT_FDCWD, baseWalk, fdFile, indent, mainRecord, userString, userStringOfLength, walk, walkLoop, type Ctx } from './program-parts.js';
import { FIELD, PIECE, READY, SYS, WALK } from './protocol.js';
import { DEFAULT_SENSITIVE_READS, MAX_PATTERN_DEPTH, parseReadPattern, readFilterCondition } from './read-filter.js';

export interface ProgramOptions {
  /** BPFTRACE_STRLEN (≤ 200 in bpftrace 0.17); strings are read in chunks of strlen-1 bytes. */
  strlen?: number;
  /** argv entries read per exec (the rest is counted in argc). */
  maxArgs?: number;
  /** Chunks read per argv entry. */
  argChunks?: number;
  /** Chunks read per path string held in user memory. */
  pathChunks?: number;
  /** Steps of a kernel path walk (components plus mount crossings). */
  maxDepth?: number;
  /** Read-only opens forwarded (read-filter.ts). */
  sensitiveReads?: readonly string[];
  /** Forward every successful open of a regular file (heavy: ~30 per process start). */
  forwardAllOpens?: boolean;
  /** Only trace tasks in these cgroup v2 ids (in-kernel filter). */
  cgroupIds?: readonly number[];
  /** Byte offset of `mnt` inside `struct mount`; without it, walks stop at mount roots. */
  mountOffset?: number;
  /** sched_process_exit has the `group_dead` field (Linux 6.16+); else the leader's exit stands for the process. */
  exitGroupDead?: boolean;
  /** kernel_cap_t is `{ u64 val; }` (Linux 6.3+) or `{ u32 cap[2]; }`. */
  capLayout?: 'val' | 'cap';
  /** Whether a tracepoint exists (`syscalls`, `sys_enter_openat`); all exist when absent. */
  hasTracepoint?: (category: string, name: string) => boolean;
  /** Walk the cwd at every exec (3-6 records more per exec). */
  cwd?: boolean;
}

export interface GeneratedProgram {
  text: string;
  /** Environment bpftrace must run with. */
  env: Record<string, string>;
  /** Tracepoints the program attaches to. */
  tracepoints: string[];
  /** Probes left out, with the reason (a missing tracepoint). */
  skipped: Array<{ probe: string; reason: string }>;
  strlen: number;
  chunk: number;
  argChunks: number;
  pathChunks: number;
  maxArgs: number;
}

interface ProbeSpec {
  /** Tracepoints to attach to, as `category:name`; the probe is skipped when one is missing. */
  tracepoints: string[];
  /** Tracepoints that must exist too (the exit half of an enter/exit pair). */
  requires?: string[];
  /** Attach to the tracepoints that exist; skip only when none does. */
  anyOf?: boolean;
  predicate?: string;
  body: string;
}

export function generateProgram(options: ProgramOptions = {}): GeneratedProgram {
  const strlen = options.strlen ?? 160;
  if (!Number.isInteger(strlen) || strlen < 64 || strlen > 200) throw new Error(`strlen ${strlen} outside 64..200`);
  const c: Ctx = { strlen, chunk: strlen - 1, maxDepth: options.maxDepth ?? 40, mountOffset: options.mountOffset };
  const maxArgs = options.maxArgs ?? 16;
  const argChunks = options.argChunks ?? 2;
  const pathChunks = options.pathChunks ?? 8;
  const patterns = (options.sensitiveReads ?? DEFAULT_SENSITIVE_READS).map(parseReadPattern);
  const capField = (name: string) => (options.capLayout === 'cap' ? `(uint64)curtask->cred->${name}.cap[0] | ((uint64)curtask->cred->${name}.cap[1] << 32)` : `curtask->cred->${name}.val`);
  const cg = options.cgroupIds?.length ? options.cgroupIds.map((id) => `cgroup == ${Math.trunc(id)}`).join(' || ') : undefined;
  const pred = (p?: string) => [cg ? `(${cg})` : undefined, p ? `(${p})` : undefined].filter(Boolean).join(' && ') || undefined;

  const specs: ProbeSpec[] = [];
  const tp = (name: string) => `syscalls:${name}`;

  // Process execution: everything from the new image, in one probe run.
  const stdio = [0, 1, 2]
    .map((i) =>
      [`$f${i} = (struct file *)0;`, `if (${i} < $fdt->max_fds) { $f${i} = *($fdt->fd + ${i}); }`, `if ((uint64)$f${i} != 0 && ($f${i}->f_inode->i_mode & 0xF000) == 0xC000) { $so = $so | ${1 << i}; }`].join('\n'),
    )
    .join('\n');
  specs.push({
    tracepoints: ['sched:sched_process_exec'],
    predicate: pred(),
    body: [
      `$t = nsecs;`,
      `$ss = curtask->mm->start_stack;`,
      `$argc = *uptr((uint64 *)$ss);`,
      `$ai = (uint64)0;`,
      `while ($ai < ${maxArgs}) {`,
      `  if ($ai >= $argc) { break; }`,
      `  $ap = *uptr((uint64 *)($ss + 8 + 8 * $ai));`,
      // argv strings sit back to back up to mm->arg_end, so each length is the gap to the next one.
      `  $an = *uptr((uint64 *)($ss + 16 + 8 * $ai));`,
      `  if ($an == 0 || $an <= $ap) { $an = curtask->mm->arg_end; }`,
      `  $al = $an - $ap - 1;`,
      indent(userStringOfLength(c, FIELD.arg, '$ai', '$ap', '$al', argChunks), 2),
      `  $ai++;`,
      `}`,
      walk(c, FIELD.exe, 'curtask->mm->exe_file->f_path.dentry', 'curtask->mm->exe_file->f_path.mnt'),
      options.cwd === false ? '' : walk(c, FIELD.cwd, 'curtask->fs->pwd.dentry', 'curtask->fs->pwd.mnt'),
      `print(("${PIECE.string}", tid, $t, ${FIELD.filename}, 0, 0, str(args->filename)));`,
      `$fdt = curtask->files->fdt;`,
      `$so = (uint64)0;`,
      stdio,
      mainRecord('X', ['$argc', 'curtask->mm->exe_file->f_inode->i_mode', 'curtask->mm->exe_file->f_inode->i_nlink', '$so', 'curtask->loginuid.val']),
    ]
      .filter(Boolean)
      .join('\n'),
  });

  specs.push({
    tracepoints: ['sched:sched_process_exit'],
    predicate: pred(options.exitGroupDead ? 'args->group_dead' : 'pid == tid'),
    body: [`$t = nsecs;`, mainRecord('Q', ['curtask->exit_code'])].join('\n'),
  });

  // Opens: remember the flags at entry, decide and resolve at exit.
  const O_FLAGS_CREAT = 0x241; // O_CREAT|O_WRONLY|O_TRUNC, what creat(2) means
  const openEnter: Array<[keyof typeof SYS.open, string]> = [
    ['open', 'args->flags'],
    ['openat', 'args->flags'],
    ['creat', String(O_FLAGS_CREAT)],
    ['openat2', '((struct open_how *)uptr(args->how))->flags'],
  ];
  const openPresent: string[] = [];
  for (const [sys, flags] of openEnter) {
    specs.push({
      tracepoints: [tp(`sys_enter_${sys}`)],
      requires: [tp(`sys_exit_${sys}`)],
      predicate: pred(),
      body: `@bh_open[tid] = ((uint64)(${flags}) & 0xffffffff) | ((uint64)${SYS.open[sys]} << 40) | ((uint64)1 << 32);`,
    });
    openPresent.push(sys);
  }
  const readKeep = options.forwardAllOpens
    ? `$keep = 1;`
    : [
        `$c1 = (struct dentry *)0;`,
        `$c2 = (struct dentry *)0;`,
        `$c3 = (struct dentry *)0;`,
        `$c4 = (struct dentry *)0;`,
        walkLoop(c, '$of->f_path.dentry', '$of->f_path.mnt', `  $c4 = $c3; $c3 = $c2; $c2 = $c1; $c1 = $wd;`),
        `if ($ws == ${WALK.depthLimit}) { $keep = 1; }`,
        `if ($ws == ${WALK.root} && (${readFilterCondition(patterns, ['$c1', '$c2', '$c3', '$c4'].slice(0, MAX_PATTERN_DEPTH))})) { $keep = 1; }`,
      ].join('\n');
  specs.push({
    tracepoints: openPresent.map((s) => tp(`sys_exit_${s}`)),
    anyOf: true,
    predicate: '@bh_open[tid]',
    body: [
      `$t = nsecs;`,
      `$ov = @bh_open[tid];`,
      `delete(@bh_open[tid]);`,
      `$fd = args->ret;`,
      `if ($fd >= 0) {`,
      `  $fl = $ov & 0xffffffff;`,
      `  $of = *(curtask->files->fdt->fd + $fd);`,
      `  $im = $of->f_inode->i_mode;`,
      `  $ft = $im & 0xF000;`,
      `  $keep = 0;`,
      `  if (($fl & 3) != 0 || ($fl & 0x200) != 0 || ($of->f_mode & 0x100000) != 0) {`,
      // Writes: regular files, block devices, and character devices other than null/zero/full/random/urandom, ttys and ptys.
      `    if ($ft == 0x8000 || $ft == 0x6000) { $keep = 1; }`,
      `    if ($ft == 0x2000) {`,
      `      $maj = $of->f_inode->i_rdev >> 20;`,
      `      $min = $of->f_inode->i_rdev & 0xfffff;`,
      `      if (!(($maj == 1 && ($min == 3 || $min == 5 || $min == 7 || $min == 8 || $min == 9)) || $maj == 5 || $maj == 4 || ($maj >= 136 && $maj <= 143))) { $keep = 1; }`,
      `    }`,
      `  } else {`,
      `    if ($ft == 0x8000 && ($fl & 0x200000) == 0) {`,
      indent(readKeep, 6),
      `    }`,
      `  }`,
      `  if ($keep) {`,
      indent(walk(c, FIELD.path, '$of->f_path.dentry', '$of->f_path.mnt'), 4),
      `    ${mainRecord('O', ['($ov >> 40) & 0xff', '$fd', '$fl', '$of->f_mode', '$im'])}`,
      `  }`,
      `}`,
    ].join('\n'),
  });

  // Sockets: the endpoints are read from the kernel socket at exit, not from the user's sockaddr (which another thread can rewrite).
  // Sockets: the endpoints are read from the kernel socket at exit, not from the user's sockaddr (which another thread can rewrite).
  const ipFields = [
    '$sk->sk_protocol',
    '$sk->__sk_common.skc_rcv_saddr',
    '$sk->__sk_common.skc_num',
    '$sk->__sk_common.skc_daddr',
    '$sk->__sk_common.skc_dport',
    ...[0, 1, 2, 3].map((i) => `$sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[${i}]`),
    ...[0, 1, 2, 3].map((i) => `$sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[${i}]`),
  ];
  const socketRecord = (sys: number, fd: string, ret: string, unix: boolean) =>
    [
      `$sk = ((struct socket *)$ff->private_data)->sk;`,
      `$fam = $sk->__sk_common.skc_family;`,
      unix
        ? `if ($fam == 1) {\n${indent(userString(c, FIELD.unixPath, '0', '$cua + 2', 1), 2)}\n  ${mainRecord('C', [String(sys), ret, fd, '$fam', ...ipFields.map(() => '0')])}\n}`
        : `if ($fam == 2 || $fam == 10) {\n  ${mainRecord('C', [String(sys), ret, fd, '$fam', ...ipFields])}\n}`,
    ].join('\n');
  specs.push({
    tracepoints: [tp('sys_enter_connect')],
    requires: [tp('sys_exit_connect')],
    predicate: pred(),
    body: `@bh_cfd[tid] = ((uint64)args->fd & 0xffffffff) | ((uint64)1 << 32); @bh_cua[tid] = (uint64)args->uservaddr;`,
  });
  // Two probes on connect's exit, one for IP and one for unix sockets: each must fit the 512-byte BPF
  // stack on its own. Whichever handles the family deletes the saved arguments, so run order does not matter.
  for (const unix of [false, true]) {
    specs.push({
      tracepoints: [tp('sys_exit_connect')],
      predicate: '@bh_cfd[tid]',
      body: [
        `$t = nsecs;`,
        // Read ctx fields once into variables: LLVM otherwise folds repeated reads into a modified ctx pointer the verifier rejects.
        `$ret = args->ret;`,
        `$cfd = (int64)(@bh_cfd[tid] & 0xffffffff);`,
        `$cua = @bh_cua[tid];`,
        fdFile('$cfd'),
        `$fam = (uint64)0;`,
        `if ((uint64)$ff != 0) { $fam = ((struct socket *)$ff->private_data)->sk->__sk_common.skc_family; }`,
        unix ? `if ($fam == 1) {` : `if ($fam != 1) {`,
        `  delete(@bh_cfd[tid]);`,
        `  delete(@bh_cua[tid]);`,
        `}`,
        `if (($ret == 0 || $ret == -115) && (uint64)$ff != 0) {`,
        indent(socketRecord(SYS.socket.connect, '$cfd', '$ret', unix), 2),
        `}`,
      ].join('\n'),
    });
  }
  for (const sys of ['accept', 'accept4'] as const) {
    specs.push({
      tracepoints: [tp(`sys_exit_${sys}`)],
      predicate: pred('args->ret >= 0'),
      body: [`$t = nsecs;`, `$afd = args->ret;`, fdFile('$afd'), `if ((uint64)$ff != 0) {`, indent(socketRecord(SYS.socket[sys], '$afd', '$afd', false), 2), `}`].join('\n'),
    });
  }

  // Credentials and capabilities.
  const setid: Array<[keyof typeof SYS.setid, string[]]> = [
    ['setuid', ['args->uid', '-1', '-1']],
    ['setreuid', ['args->ruid', 'args->euid', '-1']],
    ['setresuid', ['args->ruid', 'args->euid', 'args->suid']],
    ['setgid', ['args->gid', '-1', '-1']],
    ['setregid', ['args->rgid', 'args->egid', '-1']],
    ['setresgid', ['args->rgid', 'args->egid', 'args->sgid']],
  ];
  for (const [sys, a] of setid) {
    specs.push({
      tracepoints: [tp(`sys_enter_${sys}`)],
      predicate: pred(),
      body: [`$t = nsecs;`, mainRecord('U', [String(SYS.setid[sys]), ...a.map((x) => (x === '-1' ? x : `(int32)${x}`))])].join('\n'),
    });
  }
  specs.push({
    tracepoints: [tp('sys_exit_capset')],
    predicate: pred(),
    body: [`$t = nsecs;`, `$ret = args->ret;`, mainRecord('K', ['$ret', capField('cap_effective'), capField('cap_permitted'), capField('cap_inheritable')])].join('\n'),
  });
  specs.push({
    tracepoints: [tp('sys_enter_ptrace')],
    predicate: pred(),
    body: [`$t = nsecs;`, mainRecord('P', ['args->request', 'args->pid'])].join('\n'),
  });

  // Mounts.
  specs.push({
    tracepoints: [tp('sys_enter_mount')],
    predicate: pred(),
    body: [
      `$t = nsecs;`,
      `if ((uint64)args->dev_name != 0) {`,
      indent(userString(c, FIELD.source, '0', 'args->dev_name', pathChunks), 2),
      `}`,
      userString(c, FIELD.target, '0', 'args->dir_name', pathChunks),
      baseWalk(c, FIELD.base, 'args->dir_name', String(AT_FDCWD)),
      `if ((uint64)args->type != 0) {`,
      indent(userString(c, FIELD.fstype, '0', 'args->type', 1), 2),
      `}`,
      mainRecord('M', [String(SYS.mount.mount), 'args->flags']),
    ].join('\n'),
  });
  specs.push({
    tracepoints: [tp('sys_enter_move_mount')],
    predicate: pred(),
    body: [
      `$t = nsecs;`,
      userString(c, FIELD.target, '0', 'args->to_pathname', pathChunks),
      baseWalk(c, FIELD.base, 'args->to_pathname', '(int32)args->to_dfd'),
      mainRecord('M', [String(SYS.mount.move_mount), 'args->flags']),
    ].join('\n'),
  });
  specs.push({
    tracepoints: [tp('sys_enter_fsopen')],
    predicate: pred(),
    body: [`$t = nsecs;`, userString(c, FIELD.fstype, '0', 'args->_fs_name', 1), mainRecord('M', [String(SYS.mount.fsopen), 'args->flags'])].join('\n'),
  });

  // Kernel modules (the tracepoints are absent on kernels built without module support).
  specs.push({
    tracepoints: [tp('sys_enter_init_module')],
    predicate: pred(),
    body: [`$t = nsecs;`, userString(c, FIELD.name, '0', 'args->uargs', 2), mainRecord('L', [String(SYS.module.init_module), '-1', '0'])].join('\n'),
  });
  specs.push({
    tracepoints: [tp('sys_enter_finit_module')],
    predicate: pred(),
    body: [
      `$t = nsecs;`,
      userString(c, FIELD.name, '0', 'args->uargs', 2),
      fdFile('(int32)args->fd'),
      `if ((uint64)$ff != 0) {`,
      indent(walk(c, FIELD.path, '$ff->f_path.dentry', '$ff->f_path.mnt'), 2),
      `}`,
      mainRecord('L', [String(SYS.module.finit_module), 'args->fd', 'args->flags']),
    ].join('\n'),
  });

  specs.push({
    tracepoints: [tp('sys_enter_memfd_create')],
    predicate: pred(),
    body: [`$t = nsecs;`, userString(c, FIELD.name, '0', 'args->uname', 2), mainRecord('F', ['args->flags'])].join('\n'),
  });

  // chmod of executables: only modes with an execute bit cross the buffer.
  const chmodAt = (sys: 'chmod' | 'fchmodat' | 'fchmodat2', ptr: string, dfd: string) => ({
    tracepoints: [tp(`sys_enter_${sys}`)],
    predicate: pred('(args->mode & 0111) != 0'),
    body: [`$t = nsecs;`, userString(c, FIELD.upath, '0', ptr, pathChunks), baseWalk(c, FIELD.base, ptr, dfd), mainRecord('H', [String(SYS.chmod[sys]), 'args->mode', dfd])].join('\n'),
  });
  specs.push(chmodAt('chmod', 'args->filename', String(AT_FDCWD)));
  specs.push(chmodAt('fchmodat', 'args->filename', '(int32)args->dfd'));
  specs.push(chmodAt('fchmodat2', 'args->filename', '(int32)args->dfd'));
  specs.push({
    tracepoints: [tp('sys_enter_fchmod')],
    predicate: pred('(args->mode & 0111) != 0'),
    body: [
      `$t = nsecs;`,
      fdFile('(int32)args->fd'),
      `if ((uint64)$ff != 0) {`,
      indent(walk(c, FIELD.path, '$ff->f_path.dentry', '$ff->f_path.mnt'), 2),
      `}`,
      mainRecord('H', [String(SYS.chmod.fchmod), 'args->mode', 'args->fd']),
    ].join('\n'),
  });

  // unlink and rename (the rule engine decides which paths matter, e.g. /var/log).
  specs.push({
    tracepoints: [tp('sys_enter_unlink')],
    predicate: pred(),
    body: [`$t = nsecs;`, userString(c, FIELD.upath, '0', 'args->pathname', pathChunks), baseWalk(c, FIELD.base, 'args->pathname', String(AT_FDCWD)), mainRecord('R', [String(SYS.unlink.unlink), String(AT_FDCWD), '0'])].join('\n'),
  });
  specs.push({
    tracepoints: [tp('sys_enter_unlinkat')],
    predicate: pred(),
    body: [`$t = nsecs;`, userString(c, FIELD.upath, '0', 'args->pathname', pathChunks), baseWalk(c, FIELD.base, 'args->pathname', '(int32)args->dfd'), mainRecord('R', [String(SYS.unlink.unlinkat), '(int32)args->dfd', 'args->flag'])].join('\n'),
  });
  const renameSpec = (sys: 'rename' | 'renameat' | 'renameat2', olddfd: string, newdfd: string, flags: string): ProbeSpec => ({
    tracepoints: [tp(`sys_enter_${sys}`)],
    predicate: pred(),
    body: [
      `$t = nsecs;`,
      userString(c, FIELD.upath, '0', 'args->oldname', pathChunks),
      baseWalk(c, FIELD.base, 'args->oldname', olddfd),
      userString(c, FIELD.upath2, '0', 'args->newname', pathChunks),
      baseWalk(c, FIELD.base2, 'args->newname', newdfd),
      mainRecord('N', [String(SYS.rename[sys]), olddfd, newdfd, flags]),
    ].join('\n'),
  });
  specs.push(renameSpec('rename', String(AT_FDCWD), String(AT_FDCWD), '0'));
  specs.push(renameSpec('renameat', '(int32)args->olddfd', '(int32)args->newdfd', '0'));
  specs.push(renameSpec('renameat2', '(int32)args->olddfd', '(int32)args->newdfd', 'args->flags'));

  const has = options.hasTracepoint ?? (() => true);
  const skipped: GeneratedProgram['skipped'] = [];
  const out: string[] = [];
  const tracepoints = new Set<string>();
  const exists = (t: string) => {
    const [cat, name] = t.split(':') as [string, string];
    return has(cat, name);
  };
  for (const spec of specs) {
    const present = spec.tracepoints.filter(exists);
    const missing = [...spec.tracepoints, ...(spec.requires ?? [])].filter((t) => !exists(t));
    if (present.length === 0 || (!spec.anyOf && missing.length > 0)) {
      skipped.push({ probe: spec.tracepoints.join(', '), reason: `tracepoint ${missing.join(', ')} not present in the kernel's tracefs events` });
      continue;
    }
    for (const t of present) tracepoints.add(t);
    out.push(`${present.map((t) => `tracepoint:${t}`).join(',\n')}${spec.predicate ? ` /${spec.predicate}/` : ''}\n{\n${indent(spec.body, 2)}\n}\n`);
  }
  // Saved syscall arguments of a thread that dies inside the syscall must not pile up.
  if (exists('sched:sched_process_exit')) {
    out.push('tracepoint:sched:sched_process_exit\n{\n  delete(@bh_open[tid]);\n  delete(@bh_cfd[tid]);\n  delete(@bh_cua[tid]);\n}\n');
  }
  out.push('END\n{\n  clear(@bh_open);\n  clear(@bh_cfd);\n  clear(@bh_cua);\n}\n');
  // bpftrace 0.17 prints `attached_probes` before it attaches; BEGIN runs after every probe is attached.
  const header = `// Generated by Bulkhead (src/runtime/sensor/program.ts). Records: see protocol.ts.\nBEGIN\n{\n  print(("${READY}", nsecs));\n}\n\n`;
  return {
    text: header + out.join('\n'),
    env: { BPFTRACE_STRLEN: String(strlen), BPFTRACE_PERF_RB_PAGES: '1024', BPFTRACE_MAP_KEYS_MAX: '65536' },
    tracepoints: [...tracepoints],
    skipped,
    strlen,
    chunk: c.chunk,
    argChunks,
    pathChunks,
    maxArgs,
  };
}
