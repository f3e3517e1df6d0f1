/**
 * Reads one layer blob in a single streaming pass: detects its compression
 * (gzip, zstd or none) from the first bytes, checks the stored digest and the
 * diffID as the bytes go by, parses the tar, and reports every entry. Regular
 * files are buffered only when the caller asks for them. Nothing touches disk.
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import tar from 'tar-stream';
import { BulkheadError } from '../../core/errors.js';
import { collect } from './tar-archive.js';
import { splitDigest, type LayerBlob } from './source.js';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface LayerEntry {
  /** `/`-rooted, normalised. */
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** For links: the `/`-rooted target of a hard link, or the raw target of a symlink. */
  linkTarget?: string;
}

export interface LayerVisitorCallbacks {
  /** Every entry except whiteout markers, in tar order. Return a byte count to receive a regular file's content (0: skip). */
  entry(entry: LayerEntry): number;
  /** Content of a file `entry` asked for. */
  file(entry: LayerEntry, content: Buffer): Promise<void> | void;
  /** `.wh.<name>`: `path` is deleted from lower layers. */
  whiteout(path: string): void;
  /** `.wh..wh..opq`: the lower layers' contents of `dir` are hidden. */
  opaque(dir: string): void;
}

export interface LayerWalkStats {
  compressedBytes: number;
  uncompressedBytes: number;
  entries: number;
  compression: 'gzip' | 'zstd' | 'none';
}

const MAX_ENTRIES = 5_000_000;
const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** Turn a tar member name into a `/`-rooted path; `..` or absolute names are refused. */
export function normalizeLayerPath(name: string, where: string): string {
  if (name.startsWith('/')) {
    throw new BulkheadError('ARCHIVE_UNSAFE', `layer entry "${name}" has an absolute path`, {
      where,
      hint: 'image layers hold relative paths only; this layer is hostile or broken, do not unpack it',
    });
  }
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new BulkheadError('ARCHIVE_UNSAFE', `layer entry "${name}" climbs out of the root with ".."`, {
        where,
        hint: 'this layer is hostile or broken, do not unpack it',
      });
    }
    if (part.includes('\0')) {
      throw new BulkheadError('ARCHIVE_UNSAFE', 'layer entry name holds a NUL byte', { where });
    }
    parts.push(part);
  }
  return `/${parts.join('/')}`;
}

class Counter extends Transform {
  bytes = 0;
  constructor(private readonly hash: Hash | undefined) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    cb(null, chunk);
  }
}

class ZstdStream extends Transform {
  private readonly d: ZstdDecompress;
  constructor() {
    super();
    this.d = new ZstdDecompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.d.push(chunk);
      cb();
    } catch (e) {
      cb(new Error(`zstd: ${(e as Error).message}`));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.d.push(new Uint8Array(0), true);
      cb();
    } catch (e) {
      cb(new Error(`zstd: ${(e as Error).message}`));
    }
  }
}

/** Read the first bytes of a stream and give back a stream that still starts with them. */
async function sniff(stream: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  return { head, stream: Readable.from(rest(), { objectMode: false, highWaterMark: 1024 * 1024 }) };
}

const startsWith = (b: Buffer, magic: number[]) => magic.every((m, i) => b[i] === m);

function layerWhere(layer: LayerBlob): string {
  return `layer ${layer.index} (${layer.digest ?? layer.diffID})`;
}

export async function walkLayer(layer: LayerBlob, blob: Readable, visitor: LayerVisitorCallbacks): Promise<LayerWalkStats> {
  const where = layerWhere(layer);
  const compressedHash = layer.digest ? createHash(splitDigest(layer.digest, where)[0]) : undefined;
  const diffHash = createHash(splitDigest(layer.diffID, where)[0]);
  const { head, stream } = await sniff(blob);
  const compression = startsWith(head, GZIP_MAGIC) ? 'gzip' : startsWith(head, ZSTD_MAGIC) ? 'zstd' : 'none';
  const inCounter = new Counter(compressedHash);
  const outCounter = new Counter(diffHash);
  const extract = tar.extract();
  let entries = 0;

  const consume = (async () => {
    for await (const entry of extract) {
      entries++;
      if (entries > MAX_ENTRIES) {
        throw new BulkheadError('LIMIT_EXCEEDED', `layer has more than ${MAX_ENTRIES} entries`, { where });
      }
      const h = entry.header;
      const body = entry as unknown as Readable;
      const path = normalizeLayerPath(h.name, `${where}, entry ${JSON.stringify(h.name)}`);
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      const dir = path.slice(0, slash) || '/';
      if (base.startsWith('.wh.')) {
        if (base === '.wh..wh..opq') visitor.opaque(dir);
        else visitor.whiteout(`${dir === '/' ? '' : dir}/${base.slice(4)}`);
        body.resume();
        continue;
      }
      const type: EntryType =
        h.type === 'file' || h.type === 'contiguous-file'
          ? 'file'
          : h.type === 'directory'
            ? 'directory'
            : h.type === 'symlink'
              ? 'symlink'
              : h.type === 'link'
                ? 'hardlink'
                : 'other';
      const e: LayerEntry = { path, type, mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, size: type === 'file' ? (h.size ?? 0) : 0 };
      if (type === 'symlink') e.linkTarget = h.linkname ?? '';
      if (type === 'hardlink') e.linkTarget = normalizeLayerPath(h.linkname ?? '', `${where}, link ${JSON.stringify(h.name)}`);
      const want = visitor.entry(e);
      if (type === 'file' && want > 0 && e.size <= want) {
        const content = await collect(body, e.size);
        await visitor.file(e, content);
      } else {
        body.resume();
      }
    }
  })();

  const decompress: NodeJS.ReadWriteStream[] = compression === 'gzip' ? [createGunzip({ chunkSize: 256 * 1024 })] : compression === 'zstd' ? [new ZstdStream()] : [];
  const feed = pipeline(stream, inCounter, ...(decompress as [NodeJS.ReadWriteStream]), outCounter, extract as unknown as NodeJS.WritableStream);
  try {
    await Promise.all([feed, consume]);
  } catch (e) {
    extract.destroy();
    stream.destroy();
    if (e instanceof BulkheadError) throw e;
    throw new BulkheadError('ARCHIVE_CORRUPT', `cannot read layer: ${(e as Error).message}`, {
      where,
      hint: 'the layer is truncated or corrupt; fetch or export the image again',
    });
  }
  if (compressedHash && layer.digest) {
    const actual = compressedHash.digest('hex');
    if (!layer.digest.endsWith(`:${actual}`)) {
      throw new BulkheadError('DIGEST_MISMATCH', `layer blob does not match its digest (content is ${actual})`, {
        where,
        hint: 'the image is corrupt or was tampered with; fetch or export it again',
      });
    }
  }
  const diff = diffHash.digest('hex');
  if (!layer.diffID.endsWith(`:${diff}`)) {
    throw new BulkheadError('DIGEST_MISMATCH', `uncompressed layer does not match its diffID ${layer.diffID} (content is ${diff})`, {
      where,
      hint: 'the image is corrupt or was tampered with; fetch or export it again',
    });
  }
  return { compressedBytes: inCounter.bytes, uncompressedBytes: outCounter.bytes, entries, compression };
}
