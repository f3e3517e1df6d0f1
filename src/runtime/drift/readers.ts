/**
 * Reading an executable inside a container from the host: through
 * /proc/<pid>/root (any runtime, while the process lives) or the container's
 * rootfs directory (runc bundles, overlay merged dirs). The sensor's exe
 * paths are kernel-resolved, so no component is a symlink: any symlink met
 * on the way is refused (an absolute one would resolve against the host's
 * root), the file is opened with O_NOFOLLOW and must be the inode that was
 * checked. Hashes are cached by device, inode, size and mtime.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileHash {
  sha256: string;
  size: number;
  mode: number;
}

export interface ExecFileReader {
  /** sha256, size and mode of `path` inside the container, or undefined when it cannot be read. */
  hash(path: string): Promise<FileHash | undefined>;
}

export class HashCache {
  private readonly map = new Map<string, string>();
  constructor(private readonly max = 4096) {}
  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: string): void {
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const sharedCache = new HashCache();

/** Files below a host directory that is the container's `/`. */
export function rootfsReader(root: string, cache: HashCache = sharedCache): ExecFileReader {
  return {
    async hash(path: string): Promise<FileHash | undefined> {
      const parts = path.split('/').filter((p) => p !== '' && p !== '.');
      if (parts.length === 0 || parts.includes('..')) return undefined;
      try {
        let cur = root;
        for (const part of parts.slice(0, -1)) {
          cur = join(cur, part);
          if (!(await lstat(cur)).isDirectory()) return undefined;
        }
        const file = join(cur, parts[parts.length - 1]!);
        const before = await lstat(file, { bigint: true });
        if (!before.isFile()) return undefined;
        const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
        try {
          const st = await fh.stat({ bigint: true });
          if (st.ino !== before.ino || st.dev !== before.dev) return undefined;
          const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
          let sha256 = cache.get(key);
          if (sha256 === undefined) {
            const h = createHash('sha256');
            for await (const chunk of fh.createReadStream({ autoClose: false })) h.update(chunk as Buffer);
            sha256 = h.digest('hex');
            cache.set(key, sha256);
          }
          return { sha256, size: Number(st.size), mode: Number(st.mode) };
        } finally {
          await fh.close();
        }
      } catch {
        return undefined;
      }
    },
  };
}

/** Files seen by a live process of the container (/proc/<pid>/root). */
export function procRootReader(pid: number, procRoot = '/proc', cache: HashCache = sharedCache): ExecFileReader {
  return rootfsReader(join(procRoot, String(pid), 'root'), cache);
}

/** The first reader that can read the file. */
export function firstReadable(...readers: ExecFileReader[]): ExecFileReader {
  return {
    async hash(path: string) {
      for (const r of readers) {
        const h = await r.hash(path);
        if (h) return h;
      }
      return undefined;
    },
  };
}
