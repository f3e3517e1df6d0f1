/**
 * Reading a node's filesystem under a root directory without ever following
 * a symbolic link: every path is lstat'ed component by component from the
 * root, so neither the file nor a directory on the way to it can lead
 * outside the tree or to a file other than the one named.
 */
import type { Stats } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** Config files larger than this are not read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type Entry =
  | { kind: 'missing' }
  | { kind: 'found'; path: string; stats: Stats }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'problem'; path: string; message: string };

/** lstat a node path without following any link on the way. */
export async function safeLstat(root: string, nodePath: string): Promise<Entry> {
  const parts = posix.normalize(posix.join('/', nodePath)).split('/').filter(Boolean);
  let cur = root;
  for (let i = 0; i < parts.length; i++) {
    cur = join(cur, parts[i]!);
    const shown = `/${parts.slice(0, i + 1).join('/')}`;
    let st: Stats;
    try {
      st = await lstat(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      return { kind: 'problem', path: shown, message: `cannot examine: ${code ?? String(e)}` };
    }
    if (st.isSymbolicLink()) return { kind: 'symlink', path: shown, target: await readlink(cur).catch(() => '?') };
    if (i < parts.length - 1 && !st.isDirectory()) return { kind: 'missing' };
    if (i === parts.length - 1) return { kind: 'found', path: shown, stats: st };
  }
  return { kind: 'missing' };
}

/** A small text file of the node, read only if it is a regular file reached without links. */
export async function readNodeFile(root: string, nodePath: string): Promise<string | undefined> {
  const e = await safeLstat(root, nodePath);
  if (e.kind !== 'found' || !e.stats.isFile() || e.stats.size > MAX_CONFIG_BYTES) return undefined;
  return readFile(join(root, nodePath), 'utf8').catch(() => undefined);
}
