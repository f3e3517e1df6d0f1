/**
 * Building blocks of the generated bpftrace program: the record prints, the
 * chunked reads of user-memory strings and the dentry walks that resolve
 * paths in the kernel (see program.ts for the design).
 */
import { CONTEXT_FIELDS, MAIN, PIECE, TRUNCATED_CHUNK, WALK, type MainCode } from './protocol.js';

export const AT_FDCWD = -100;

export interface Ctx {
  strlen: number;
  chunk: number;
  maxDepth: number;
  mountOffset: number | undefined;
}

/** Tuple print of a main record; checks the expression count against the protocol table. */
export function mainRecord(code: MainCode, exprs: string[]): string {
  const want = MAIN[code].fields.length;
  if (exprs.length !== want) throw new Error(`record ${code}: ${exprs.length} expressions for ${want} fields`);
  const ctx = CONTEXT_FIELDS.map((f) => f.expr);
  return `print(("${code}", tid, $t, ${[...ctx, ...exprs].join(', ')}));`;
}

/**
 * Chunks of a NUL-terminated string in user memory at `ptr`: the next chunk
 * is read while the last byte of the previous one is not NUL (the decoder
 * drops a chunk that follows a short one).
 */
export function userString(c: Ctx, field: number, sub: string, ptr: string, chunks: number): string {
  return [
    `$sp = (uint64)(${ptr});`,
    `$sc = (uint64)0;`,
    `$st = 1;`,
    `while ($sc < ${chunks}) {`,
    `  print(("${PIECE.string}", tid, $t, ${field}, ${sub}, $sc, str(uptr($sp + $sc * ${c.chunk}), ${c.strlen})));`,
    `  if (*uptr((uint8 *)($sp + $sc * ${c.chunk} + ${c.chunk - 1})) == 0) { $st = 0; break; }`,
    `  $sc++;`,
    `}`,
    `if ($st) { print(("${PIECE.string}", tid, $t, ${field}, ${sub}, ${TRUNCATED_CHUNK}, "")); }`,
  ].join('\n');
}

/** Chunks of a string of known length `len` in user memory (argv entries, which the kernel lays out back to back). */
export function userStringOfLength(c: Ctx, field: number, sub: string, ptr: string, len: string, chunks: number): string {
  return [
    `$sp = (uint64)(${ptr});`,
    `$sc = (uint64)0;`,
    `while ($sc < ${chunks}) {`,
    `  print(("${PIECE.string}", tid, $t, ${field}, ${sub}, $sc, str(uptr($sp + $sc * ${c.chunk}), ${c.strlen})));`,
    `  $sc++;`,
    `  if (${len} <= $sc * ${c.chunk}) { break; }`,
    `}`,
    `if (${len} > ${chunks * c.chunk}) { print(("${PIECE.string}", tid, $t, ${field}, ${sub}, ${TRUNCATED_CHUNK}, "")); }`,
  ].join('\n');
}

/**
 * The walk loop shared by emitting walks and filter walks: `onComponent` runs
 * for each named dentry in $wd. One counter bounds the loop (components and
 * mount crossings together): a second compared counter makes the verifier
 * explore every (iterations, depth) pair and the program too large to load.
 * $wi (components named) is only printed, never compared, for the same reason.
 */
export function walkLoop(c: Ctx, dentry: string, mnt: string, onComponent: string): string {
  const off = c.mountOffset;
  const atMountRoot =
    off === undefined
      ? `  if ($wd == $wm->mnt_root) { $ws = ${WALK.otherMount}; break; }`
      : [
          `  if ($wd == $wm->mnt_root) {`,
          `    if ($wmnt->mnt_parent == $wmnt) { $ws = ${WALK.detached}; break; }`,
          `    $wd = $wmnt->mnt_mountpoint;`,
          `    $wmnt = $wmnt->mnt_parent;`,
          `    $wm = (struct vfsmount *)((uint64)$wmnt + ${off});`,
          `    continue;`,
          `  }`,
        ].join('\n');
  return [
    `$wd = ${dentry};`,
    `$wm = ${mnt};`,
    off === undefined ? '' : `$wmnt = (struct mount *)((uint64)$wm - ${off});`,
    `$wi = (uint64)0;`,
    `$wk = (uint64)0;`,
    `$ws = (uint64)${WALK.depthLimit};`,
    `while ($wk < ${c.maxDepth}) {`,
    `  $wk++;`,
    `  if ($wd == curtask->fs->root.dentry && $wm == curtask->fs->root.mnt) { $ws = ${WALK.root}; break; }`,
    atMountRoot,
    onComponent,
    `  $wi++;`,
    `  if ($wd == $wd->d_parent) { $ws = ${WALK.detached}; break; }`,
    `  $wd = $wd->d_parent;`,
    `}`,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** Walk from a dentry to the task root, printing one record per component, then the walk summary. */
export function walk(c: Ctx, field: number, dentry: string, mnt: string): string {
  // A component is at most 255 bytes: two chunks when strlen > 129.
  const extra = Math.ceil(255 / c.chunk) - 1;
  const chunks = [`  $wn = $wd->d_name.name;`, `  print(("${PIECE.component}", tid, $t, ${field}, $wi, 0, str($wn)));`];
  for (let i = 1; i <= extra; i++) {
    chunks.push(
      `  if ($wd->d_name.len > ${i * c.chunk}) { print(("${PIECE.component}", tid, $t, ${field}, $wi, ${i}, str($wn + ${i * c.chunk}))); }`,
    );
  }
  return [walkLoop(c, dentry, mnt, chunks.join('\n')), `print(("${PIECE.walk}", tid, $t, ${field}, $wi, $ws));`].join('\n');
}

/** The file behind fd `fd` of the current task, or 0 when out of range. Sets $ff. */
export function fdFile(fd: string): string {
  return [
    `$ff = (struct file *)0;`,
    `if (${fd} >= 0 && ${fd} < curtask->files->fdt->max_fds) { $ff = *(curtask->files->fdt->fd + ${fd}); }`,
  ].join('\n');
}

/** Walk the directory a relative user path is resolved against (cwd or dirfd), when the path is relative. */
export function baseWalk(c: Ctx, field: number, ptr: string, dfd: string): string {
  if (dfd === String(AT_FDCWD)) {
    return [
      `$c0 = *uptr((uint8 *)(${ptr}));`,
      `if ($c0 != 47 && $c0 != 0) {`,
      indent(walk(c, field, 'curtask->fs->pwd.dentry', 'curtask->fs->pwd.mnt'), 2),
      `}`,
    ].join('\n');
  }
  return [
    `$c0 = *uptr((uint8 *)(${ptr}));`,
    `if ($c0 != 47 && $c0 != 0) {`,
    `  $bd = curtask->fs->pwd.dentry;`,
    `  $bm = curtask->fs->pwd.mnt;`,
    `  $bok = 1;`,
    `  if (${dfd} != ${AT_FDCWD}) {`,
    `    $bok = 0;`,
    indent(fdFile(dfd), 4),
    `    if ((uint64)$ff != 0) { $bd = $ff->f_path.dentry; $bm = $ff->f_path.mnt; $bok = 1; }`,
    `  }`,
    `  if ($bok) {`,
    indent(walk(c, field, '$bd', '$bm'), 4),
    `  }`,
    `}`,
  ].join('\n');
}

export function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}
