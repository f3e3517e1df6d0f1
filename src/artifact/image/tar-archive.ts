/**
 * Random access to the members of an image archive (docker-archive,
 * oci-archive), plain or gzip'd. One indexing pass records every member's
 * offset and keeps the small metadata files; members are then read by offset
 * (plain tar) or in one more streaming pass (gzip'd archive). Nothing is
 * written to disk.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar, { type Header } from 'tar-stream';
import { BulkheadError } from '../../core/errors.js';

interface Member {
  name: string;
  offset: number;
  size: number;
  data?: Buffer;
}

const SMALL_MEMBER = 8 * 1024 * 1024;
const BUFFER_BUDGET = 64 * 1024 * 1024;
const MAX_MEMBERS = 200_000;

/** Archive member names are relative paths; `./x`, `/x` and `x` are the same member. */
export function normalizeMemberName(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export class TarArchive {
  private constructor(
    readonly file: string,
    private readonly gzip: boolean,
    private readonly members: Map<string, Member>,
    private readonly links: Map<string, string>,
  ) {}

  static async open(file: string): Promise<TarArchive> {
    const gzip = await isGzip(file);
    const members = new Map<string, Member>();
    const links = new Map<string, string>();
    let buffered = 0;
    await TarArchive.walk(file, gzip, async (header, stream) => {
      const name = normalizeMemberName(header.name);
      if (name === undefined) {
        stream.resume();
        throw new BulkheadError('ARCHIVE_UNSAFE', `archive member "${header.name}" points outside the archive`, {
          where: file,
          hint: 'the archive is hostile or damaged; do not unpack it',
        });
      }
      if (members.size + links.size >= MAX_MEMBERS) {
        stream.resume();
        throw new BulkheadError('LIMIT_EXCEEDED', `archive has more than ${MAX_MEMBERS} members`, { where: file });
      }
      if (header.type === 'symlink' || header.type === 'link') {
        // docker save links duplicate layers to one copy.
        const base = header.type === 'symlink' ? name.split('/').slice(0, -1).join('/') : '';
        const target = normalizeMemberName(`${base}/${header.linkname ?? ''}`);
        if (target !== undefined) links.set(name, target);
        stream.resume();
        return;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        stream.resume();
        return;
      }
      const size = header.size ?? 0;
      const offset = (header as { byteOffset?: number }).byteOffset ?? -1;
      const member: Member = { name, offset, size };
      members.set(name, member);
      if (size <= SMALL_MEMBER && buffered + size <= BUFFER_BUDGET) {
        member.data = await collect(stream, size);
        buffered += size;
      } else {
        stream.resume();
      }
    });
    return new TarArchive(file, gzip, members, links);
  }

  has(name: string): boolean {
    return this.resolve(name) !== undefined;
  }

  names(): string[] {
    return [...this.members.keys(), ...this.links.keys()];
  }

  /** A member in memory. */
  async read(name: string, maxBytes: number): Promise<Buffer> {
    const m = this.require(name);
    if (m.size > maxBytes) {
      throw new BulkheadError('LIMIT_EXCEEDED', `archive member ${name} is ${m.size} bytes, more than the ${maxBytes} allowed`, {
        where: this.file,
      });
    }
    if (m.data) return m.data;
    let data: Buffer | undefined;
    await this.stream([name], async (_n, s) => {
      data = await collect(s, m.size);
    });
    return data!;
  }

  /** Stream each named member once. Plain archives read by offset; gzip'd ones in one pass. */
  async stream(names: readonly string[], visit: (name: string, stream: Readable) => Promise<void>): Promise<void> {
    const wanted = new Map<string, string[]>();
    for (const n of names) {
      const m = this.require(n);
      const list = wanted.get(m.name) ?? [];
      list.push(n);
      wanted.set(m.name, list);
    }
    const pending = new Set(wanted.keys());
    for (const real of [...pending]) {
      const m = this.members.get(real)!;
      if (m.data) {
        await visit(wanted.get(real)![0]!, bufferStream(m.data));
        pending.delete(real);
      } else if (!this.gzip && m.offset >= 0) {
        const s = m.size === 0 ? bufferStream(Buffer.alloc(0)) : createReadStream(this.file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1024 * 1024 });
        await visit(wanted.get(real)![0]!, s);
        pending.delete(real);
      }
    }
    if (pending.size === 0) return;
    await TarArchive.walk(this.file, this.gzip, async (header, stream) => {
      const name = normalizeMemberName(header.name);
      if (name !== undefined && pending.has(name)) {
        pending.delete(name);
        await visit(wanted.get(name)![0]!, stream);
      }
      stream.resume();
    });
    if (pending.size > 0) {
      throw new BulkheadError('ARCHIVE_CORRUPT', `archive members vanished between reads: ${[...pending].join(', ')}`, { where: this.file });
    }
  }

  private resolve(name: string): Member | undefined {
    let n = normalizeMemberName(name);
    for (let hops = 0; n !== undefined && hops < 16; hops++) {
      const m = this.members.get(n);
      if (m) return m;
      n = this.links.get(n);
    }
    return undefined;
  }

  private require(name: string): Member {
    const m = this.resolve(name);
    if (!m) {
      throw new BulkheadError('MANIFEST_INVALID', `archive member ${name} is missing`, {
        where: this.file,
        hint: 'the archive is incomplete or not an image archive; export it again',
      });
    }
    return m;
  }

  private static async walk(
    file: string,
    gzip: boolean,
    onEntry: (header: Header, stream: Readable) => Promise<void>,
  ): Promise<void> {
    const extract = tar.extract();
    const consume = (async () => {
      for await (const entry of extract) {
        await onEntry(entry.header, entry as unknown as Readable);
      }
    })();
    const stages: NodeJS.ReadWriteStream[] = gzip ? [createGunzip()] : [];
    const feed = pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), ...(stages as [NodeJS.ReadWriteStream]), extract as unknown as NodeJS.WritableStream);
    try {
      await Promise.all([feed, consume]);
    } catch (e) {
      extract.destroy();
      if (e instanceof BulkheadError) throw e;
      throw new BulkheadError('ARCHIVE_CORRUPT', `cannot read image archive: ${(e as Error).message}`, {
        where: file,
        hint: 'the archive is truncated or not a tar file; export it again (docker save, skopeo copy)',
      });
    }
  }
}

export function bufferStream(data: Buffer): Readable {
  const s = new PassThrough();
  s.end(data);
  return s;
}

/** Read a whole stream into memory, refusing more than `limit` bytes. */
export async function collect(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > limit) {
      stream.destroy();
      throw new BulkheadError('LIMIT_EXCEEDED', `stream is larger than the ${limit} bytes expected`);
    }
    chunks.push(b);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}
