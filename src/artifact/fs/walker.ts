/**
 * Walks a directory tree for `fs` (a project checkout) and `rootfs` (an
 * unpacked root filesystem) scans. Symbolic links are never followed, so a
 * link pointing out of the root is reported as a link and nothing more;
 * special files are skipped; depth and entry counts are bounded.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { BulkheadError } from '../../core/errors.js';
import type { EntryType, LayerEntry } from '../image/layer-walker.js';

export interface DirectoryWalkOptions {
  /** Directories (relative to the root, `/`-rooted) not descended into. */
  skipDirs: ReadonlySet<string>;
  /** Directory names skipped wherever they are (e.g. `.git`). */
  skipNames: ReadonlySet<string>;
  maxDepth?: number;
  maxEntries?: number;
}

export const ROOTFS_SKIP_DIRS: ReadonlySet<string> = new Set(['/proc', '/sys', '/dev', '/run', '/tmp']);
export const FS_SKIP_NAMES: ReadonlySet<string> = new Set(['.git', '.hg', '.svn']);

export interface DirectoryVisitor {
  /** Return a byte count to receive the file's content (0: skip). */
  entry(entry: LayerEntry): number;
  file(entry: LayerEntry, content: Buffer): Promise<void> | void;
  warning(message: string): void;
}

export async function walkDirectory(root: string, options: DirectoryWalkOptions, visitor: DirectoryVisitor): Promise<number> {
  let rootStat;
  try {
    rootStat = await lstat(root);
  } catch {
    throw new BulkheadError('TARGET_NOT_FOUND', `${root} does not exist`, { where: root, hint: 'check the path' });
  }
  if (!rootStat.isDirectory()) {
    throw new BulkheadError('TARGET_UNSUPPORTED', `${root} is not a directory`, {
      where: root,
      hint: 'for an image archive use `bulkhead image <file>`',
    });
  }
  const maxDepth = options.maxDepth ?? 64;
  const maxEntries = options.maxEntries ?? 5_000_000;
  let entries = 0;
  const stack: Array<{ rel: string; depth: number }> = [{ rel: '', depth: 0 }];
  while (stack.length) {
    const { rel, depth } = stack.pop()!;
    let names: string[];
    try {
      names = (await readdir(path.join(root, rel))).sort().reverse();
    } catch (e) {
      visitor.warning(`${rel || '/'}: cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      continue;
    }
    for (const name of names) {
      if (++entries > maxEntries) {
        throw new BulkheadError('LIMIT_EXCEEDED', `more than ${maxEntries} entries under ${root}`, { where: root });
      }
      const relPath = `${rel}/${name}`;
      const abs = path.join(root, relPath);
      let st;
      try {
        st = await lstat(abs);
      } catch {
        continue; // vanished while walking
      }
      if (st.isDirectory()) {
        if (options.skipDirs.has(relPath) || options.skipNames.has(name)) continue;
        if (depth + 1 > maxDepth) {
          visitor.warning(`${relPath}: deeper than ${maxDepth} levels, not walked`);
          continue;
        }
        stack.push({ rel: relPath, depth: depth + 1 });
        continue;
      }
      const type: EntryType = st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
      const entry: LayerEntry = { path: relPath, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0 };
      const want = visitor.entry(entry);
      if (type !== 'file' || want <= 0 || st.size > want) continue;
      try {
        // O_NOFOLLOW: a file swapped for a symlink after lstat is not followed out of the root.
        const handle = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
        try {
          const buf = Buffer.alloc(st.size);
          const { bytesRead } = await handle.read(buf, 0, st.size, 0);
          await visitor.file(entry, buf.subarray(0, bytesRead));
        } finally {
          await handle.close();
        }
      } catch (e) {
        visitor.warning(`${relPath}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
  }
  return entries;
}
