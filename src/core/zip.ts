/**
 * The project's one zip reader, read-only, for two kinds of source:
 * - a buffer (Java archives, nested jars inflated in memory): entries come
 *   back as views of it where stored, nothing is copied;
 * - a file on disk (OSV `all.zip` exports of several GB): only the tail, the
 *   central directory and one entry at a time are ever in memory.
 *
 * Accepted: stored and deflated entries, zip64 (end record and extra
 * fields), bytes in front of the archive (the launch script of a "fully
 * executable" Spring Boot jar) and after its end record. Refused: encryption,
 * other compression methods, multi-disk archives.
 *
 * Hostile input: every count, offset and length is checked against the
 * source before use; the entry count and the central directory size are
 * capped when opening; each read is capped per entry and over the archive's
 * life, and an entry must inflate to exactly its declared size (inflating
 * stops the moment it would grow past it: zip bombs) with the declared
 * CRC-32. Entry names are labels, never paths: they may hold `..`, a leading
 * `/` or backslashes, and control characters in them are replaced so they can
 * go into messages. Every failure caused by the archive's bytes is a
 * `ZipError`; only the file system's own errors (no such file, I/O) pass as
 * they are.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { BulkheadError } from './errors.js';

/** ARCHIVE_CORRUPT: the bytes are not a zip this reader can read; LIMIT_EXCEEDED: a cap below was hit. */
export type ZipErrorCode = 'ARCHIVE_CORRUPT' | 'LIMIT_EXCEEDED';

export class ZipError extends BulkheadError<ZipErrorCode> {
  constructor(code: ZipErrorCode, message: string, where?: string) {
    super(code, message, {
      where,
      hint:
        code === 'LIMIT_EXCEEDED'
          ? 'the archive is larger than allowed once inflated (a zip bomb, or far beyond a normal archive)'
          : 'the archive is damaged, truncated or not a zip file; obtain it again',
    });
    this.name = 'ZipError';
  }
}

export interface ZipLimits {
  /** Entries in the central directory. */
  maxEntries: number;
  /** Bytes of the central directory, which is read into memory whole. */
  maxCentralDirectorySize: number;
  /** Inflated bytes of one entry; `read` may ask for less. An entry declaring more is refused when read. */
  maxEntrySize: number;
  /** Inflated bytes handed out by `read` over the archive's life. */
  maxTotalSize: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = {
  maxEntries: 2_000_000,
  maxCentralDirectorySize: 512 * 1024 * 1024,
  maxEntrySize: 64 * 1024 * 1024,
  maxTotalSize: 32 * 1024 * 1024 * 1024,
};

export interface ZipOptions extends Partial<ZipLimits> {
  /** Names the archive in errors' `where` (a path, a URL, `outer.war!/inner.jar`). */
  label?: string;
}

export interface ZipEntry {
  /** Decoded as UTF-8, control characters replaced by U+FFFD. A label: never join it to a file-system path. */
  readonly name: string;
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  /** Inflated size as declared; `read` holds the entry to it exactly. */
  readonly size: number;
  /** Where the entry's local header starts in the source (bytes in front of the archive included). */
  readonly localHeaderOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const END_SIZE = 22;
const END64_SIZE = 56;
const LOCATOR_SIZE = 20;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const FLAG_ENCRYPTED = 1;
// C0, DEL and C1 controls: a name could otherwise rewrite the terminal a warning is printed on.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Deflate never needs more than 12.5% over the data (fixed Huffman codes,
 * 9 bits a byte); twice the size plus slack refuses no real archive and
 * keeps a lying compressed size from making a file read allocate gigabytes.
 */
const plausibleCompressedSize = (size: number): number => 2 * size + 1024;

/** Random access to the archive's bytes. */
interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `position`; the caller has checked the range. */
  read(position: number, length: number): Buffer;
  close(): void;
}

function bufferSource(buf: Buffer): ByteSource {
  return { size: buf.length, read: (position, length) => buf.subarray(position, position + length), close: () => {} };
}

function fileSource(fd: number): ByteSource {
  return {
    size: fstatSync(fd).size,
    read(position, length) {
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, position + done);
        if (n <= 0) throw new ZipError('ARCHIVE_CORRUPT', 'the file ended while being read (changed underneath?)');
        done += n;
      }
      return out;
    },
    close: () => closeSync(fd),
  };
}

export class ZipArchive {
  readonly entries: readonly ZipEntry[];
  private readonly limits: ZipLimits;
  private readonly label: string | undefined;
  /** Where the central directory starts; entry data must end before it. */
  private centralStart = 0;
  private delivered = 0;
  private closed = false;

  private constructor(
    private readonly source: ByteSource,
    options: ZipOptions,
  ) {
    const { label, ...limits } = options;
    this.label = label;
    this.limits = { ...DEFAULT_ZIP_LIMITS, ...limits };
    this.entries = this.readCentralDirectory();
  }

  /** Index an archive held in memory. The buffer must not change while the archive is in use. */
  static fromBuffer(buf: Buffer, options: ZipOptions = {}): ZipArchive {
    return new ZipArchive(bufferSource(buf), options);
  }

  /** Index a zip file without loading it; `close` it when done. */
  static openFile(file: string, options: ZipOptions = {}): ZipArchive {
    const fd = openSync(file, 'r');
    try {
      return new ZipArchive(fileSource(fd), { label: file, ...options });
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.close();
  }

  /**
   * The inflated bytes of one entry, at most `maxBytes` (and the archive's
   * per-entry limit), checked against the declared size and CRC-32.
   */
  read(entry: ZipEntry, maxBytes = Number.POSITIVE_INFINITY): Buffer {
    const { name, size, compressedSize, method } = entry;
    const fail = (code: ZipErrorCode, message: string): never => {
      throw new ZipError(code, `${name}: ${message}`, this.where(name));
    };
    if (this.closed) fail('ARCHIVE_CORRUPT', 'the archive was already closed');
    if ((entry.flags & FLAG_ENCRYPTED) !== 0) fail('ARCHIVE_CORRUPT', 'encrypted entries are not supported');
    const cap = Math.min(maxBytes, this.limits.maxEntrySize);
    if (size > cap) fail('LIMIT_EXCEEDED', `${size} bytes, more than the ${cap} allowed`);
    if (this.delivered + size > this.limits.maxTotalSize) {
      fail('LIMIT_EXCEEDED', `uncompressed total is over the limit of ${this.limits.maxTotalSize} bytes`);
    }
    if (method !== METHOD_STORED && method !== METHOD_DEFLATED) fail('ARCHIVE_CORRUPT', `compression method ${method} not supported`);
    if (method === METHOD_STORED && compressedSize !== size) fail('ARCHIVE_CORRUPT', `stored as ${compressedSize} bytes, the directory says ${size}`);
    if (compressedSize > plausibleCompressedSize(size)) fail('ARCHIVE_CORRUPT', `${compressedSize} compressed bytes for ${size} inflated: not deflate data`);

    const header = entry.localHeaderOffset;
    if (header < 0 || header + LOCAL_SIZE > this.centralStart) fail('ARCHIVE_CORRUPT', 'local header lies outside the archive');
    const local = this.source.read(header, LOCAL_SIZE);
    if (local.readUInt32LE(0) !== SIG_LOCAL) fail('ARCHIVE_CORRUPT', 'local header not found');
    const dataStart = header + LOCAL_SIZE + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + compressedSize > this.centralStart) fail('ARCHIVE_CORRUPT', 'data runs into the central directory (truncated?)');
    const raw = this.source.read(dataStart, compressedSize);

    let data = raw;
    if (method === METHOD_DEFLATED) {
      try {
        // maxOutputLength makes zlib stop the moment the entry would grow past its declared size.
        data = size === 0 ? Buffer.alloc(0) : inflateRawSync(raw, { maxOutputLength: size });
      } catch (e) {
        if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') fail('LIMIT_EXCEEDED', `inflates past its declared ${size} bytes`);
        fail('ARCHIVE_CORRUPT', `cannot inflate (${(e as Error).message})`);
      }
    }
    if (data.length !== size) fail('ARCHIVE_CORRUPT', `${data.length} bytes, the directory says ${size}`);
    if (crc32(data) >>> 0 !== entry.crc32) fail('ARCHIVE_CORRUPT', 'CRC-32 mismatch');
    this.delivered += size;
    return data;
  }

  private where(entry?: string): string | undefined {
    if (entry === undefined) return this.label;
    return this.label === undefined ? entry : `${this.label}!${entry}`;
  }

  private fail(code: ZipErrorCode, message: string): never {
    throw new ZipError(code, message, this.where());
  }

  /** `length` bytes at `position`, or a ZipError when the range is not inside the source. */
  private readAt(position: number, length: number): Buffer {
    if (position < 0 || length < 0 || position + length > this.source.size) this.fail('ARCHIVE_CORRUPT', 'read past the end of the archive (truncated?)');
    return this.source.read(position, length);
  }

  private signatureAt(position: number, signature: number): boolean {
    return position >= 0 && position + 4 <= this.source.size && this.source.read(position, 4).readUInt32LE(0) === signature;
  }

  private readCentralDirectory(): ZipEntry[] {
    const size = this.source.size;
    if (size < END_SIZE) this.fail('ARCHIVE_CORRUPT', 'too short for a zip archive');
    const tailStart = Math.max(0, size - END_SIZE - MAX_COMMENT);
    const tail = this.readAt(tailStart, size - tailStart);
    const at = findEndRecord(tail);
    if (at < 0) this.fail('ARCHIVE_CORRUPT', 'no end of central directory record: not a zip archive');
    const endAt = tailStart + at;
    const disk = tail.readUInt16LE(at + 4);
    const cdDisk = tail.readUInt16LE(at + 6);
    if ((disk !== 0 && disk !== 0xffff) || (cdDisk !== 0 && cdDisk !== 0xffff)) this.fail('ARCHIVE_CORRUPT', 'multi-disk zip archives are not supported');
    let count = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    let cdEnd = endAt;
    // Saturated fields mean zip64, when the locator is there (an archive of exactly 65535 entries has none).
    if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && this.signatureAt(endAt - LOCATOR_SIZE, SIG_END64_LOCATOR)) {
      const record = this.findZip64End(endAt - LOCATOR_SIZE);
      const z = this.readAt(record, END64_SIZE);
      if (z.readUInt32LE(16) !== 0 || z.readUInt32LE(20) !== 0) this.fail('ARCHIVE_CORRUPT', 'multi-disk zip archives are not supported');
      count = this.u64(z, 32);
      cdSize = this.u64(z, 40);
      cdOffset = this.u64(z, 48);
      cdEnd = record;
    }
    if (count > this.limits.maxEntries) this.fail('LIMIT_EXCEEDED', `${count} entries, more than the ${this.limits.maxEntries} allowed`);
    if (cdSize > this.limits.maxCentralDirectorySize) {
      this.fail('LIMIT_EXCEEDED', `central directory of ${cdSize} bytes, more than the ${this.limits.maxCentralDirectorySize} allowed`);
    }
    if (count * CENTRAL_SIZE > cdSize || cdSize > cdEnd) this.fail('ARCHIVE_CORRUPT', 'central directory lies outside the archive (truncated?)');
    // Bytes in front of the archive shift every offset by the same amount; a gap before the end record does not.
    let base = cdEnd - cdSize - cdOffset;
    if (base < 0) this.fail('ARCHIVE_CORRUPT', 'central directory lies outside the archive (truncated?)');
    if (base > 0 && count > 0 && !this.signatureAt(base + cdOffset, SIG_CENTRAL) && this.signatureAt(cdOffset, SIG_CENTRAL)) base = 0;
    this.centralStart = base + cdOffset;

    const cd = this.readAt(this.centralStart, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + CENTRAL_SIZE > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) this.fail('ARCHIVE_CORRUPT', `central directory entry ${i} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let size = cd.readUInt32LE(p + 24);
      const nameStart = p + CENTRAL_SIZE;
      const extraStart = nameStart + cd.readUInt16LE(p + 28);
      const extraEnd = extraStart + cd.readUInt16LE(p + 30);
      let offset = cd.readUInt32LE(p + 42);
      const next = extraEnd + cd.readUInt16LE(p + 32);
      if (next > cd.length) this.fail('ARCHIVE_CORRUPT', `central directory entry ${i} runs past the directory`);
      const name = cd.toString('utf8', nameStart, extraStart).replace(CONTROL, '\ufffd');
      if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
        const values = this.zip64Extra(cd, extraStart, extraEnd);
        // The extra field holds only the saturated values, in this order.
        const take = (): number => values.shift() ?? this.fail('ARCHIVE_CORRUPT', `${name}: zip64 sizes missing`);
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (offset === 0xffffffff) offset = take();
      }
      if (offset + LOCAL_SIZE + compressedSize > cdOffset) this.fail('ARCHIVE_CORRUPT', `${name}: data overlaps the central directory`);
      entries.push({ name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset: base + offset });
      p = next;
    }
    return entries;
  }

  /** The zip64 end record: where the locator says, or right before the locator (when bytes were put in front). */
  private findZip64End(locatorAt: number): number {
    const recorded = this.u64(this.readAt(locatorAt, LOCATOR_SIZE), 8);
    for (const at of [recorded, locatorAt - END64_SIZE]) {
      if (at + END64_SIZE <= locatorAt && this.signatureAt(at, SIG_END64)) return at;
    }
    return this.fail('ARCHIVE_CORRUPT', 'zip64 end of central directory record not found');
  }

  /** The 64-bit values of the zip64 extended information extra field (id 1), in order. */
  private zip64Extra(cd: Buffer, start: number, end: number): number[] {
    let p = start;
    while (p + 4 <= end) {
      const id = cd.readUInt16LE(p);
      const dataEnd = p + 4 + cd.readUInt16LE(p + 2);
      if (dataEnd > end) break;
      if (id === 0x0001) {
        const values: number[] = [];
        for (let q = p + 4; q + 8 <= dataEnd; q += 8) values.push(this.u64(cd, q));
        return values;
      }
      p = dataEnd;
    }
    return [];
  }

  private u64(buf: Buffer, at: number): number {
    const v = buf.readBigUInt64LE(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('ARCHIVE_CORRUPT', 'zip64 value out of range');
    return Number(v);
  }
}

/**
 * The end of central directory record in the archive's tail, searched from
 * the end; one whose comment would run past the data is a stray signature.
 */
function findEndRecord(tail: Buffer): number {
  for (let i = tail.length - END_SIZE; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail.readUInt32LE(i) === SIG_END && i + END_SIZE + tail.readUInt16LE(i + 20) <= tail.length) return i;
  }
  return -1;
}
