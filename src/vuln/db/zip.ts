/**
 * Reads the entries of a zip file (the OSV `all.zip` exports) one at a time
 * from disk, so memory stays at one entry whatever the archive's size.
 * Everything is bounded: entry count, central directory size, each entry's
 * size, the sum of all sizes. Inflation stops as soon as an entry grows past
 * its declared size, and every entry's CRC-32 is checked, so a zip bomb or a
 * truncated download fails with ZipFormatError instead of eating memory or
 * yielding half a record.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  maxEntries: number;
  maxEntrySize: number;
  maxTotalSize: number;
  maxCentralDirectorySize: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2_000_000,
  maxEntrySize: 64 * 1024 * 1024,
  maxTotalSize: 32 * 1024 * 1024 * 1024,
  maxCentralDirectorySize: 512 * 1024 * 1024,
};

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;

export class ZipReader {
  private readonly fd: number;
  private readonly fileSize: number;
  private readonly limits: ZipLimits;
  private closed = false;
  readonly entries: readonly ZipEntry[];

  private constructor(fd: number, limits: ZipLimits) {
    this.fd = fd;
    this.limits = limits;
    this.fileSize = fstatSync(fd).size;
    this.entries = this.readCentralDirectory();
  }

  /** Open and index a zip file. Throws ZipFormatError when it is not a readable zip. */
  static open(file: string, limits: Partial<ZipLimits> = {}): ZipReader {
    const fd = openSync(file, 'r');
    try {
      return new ZipReader(fd, { ...DEFAULT_ZIP_LIMITS, ...limits });
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /** The uncompressed bytes of one entry, checked against its size and CRC-32. */
  read(entry: ZipEntry): Buffer {
    if (entry.flags & 1) throw new ZipFormatError(`${entry.name}: encrypted entries are not supported`);
    const local = this.readAt(entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== SIG_LOCAL) throw new ZipFormatError(`${entry.name}: bad local header`);
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + entry.compressedSize > this.fileSize) {
      throw new ZipFormatError(`${entry.name}: data runs past the end of the file (truncated?)`);
    }
    const raw = this.readAt(dataStart, entry.compressedSize);
    let data: Buffer;
    if (entry.method === 0) {
      data = raw;
    } else if (entry.method === 8) {
      try {
        // maxOutputLength makes zlib stop as soon as the entry grows past its declared size.
        data = entry.size === 0 ? Buffer.alloc(0) : inflateRawSync(raw, { maxOutputLength: entry.size });
      } catch (e) {
        throw new ZipFormatError(`${entry.name}: cannot inflate (${(e as Error).message})`);
      }
    } else {
      throw new ZipFormatError(`${entry.name}: unsupported compression method ${entry.method}`);
    }
    if (data.length !== entry.size) {
      throw new ZipFormatError(`${entry.name}: ${data.length} bytes, the directory says ${entry.size}`);
    }
    if (crc32(data) >>> 0 !== entry.crc32) throw new ZipFormatError(`${entry.name}: CRC-32 mismatch`);
    return data;
  }

  private readAt(position: number, length: number): Buffer {
    if (position < 0 || length < 0 || position + length > this.fileSize) {
      throw new ZipFormatError('read past the end of the file (truncated?)');
    }
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, position + done);
      if (n <= 0) throw new ZipFormatError('unexpected end of file');
      done += n;
    }
    return buf;
  }

  private readCentralDirectory(): ZipEntry[] {
    if (this.fileSize < EOCD_MIN) throw new ZipFormatError('too small to be a zip file');
    const tailLength = Math.min(this.fileSize, EOCD_MIN + MAX_COMMENT);
    const tailStart = this.fileSize - tailLength;
    const tail = this.readAt(tailStart, tailLength);
    let eocd = -1;
    for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG_EOCD && i + EOCD_MIN + tail.readUInt16LE(i + 20) === tail.length) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('no end-of-central-directory record (not a zip, or truncated)');

    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) {
      throw new ZipFormatError('multi-disk zip files are not supported');
    }
    const eocdPosition = tailStart + eocd;
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const zip64 = this.readZip64End(eocdPosition);
      count = zip64.count;
      cdSize = zip64.cdSize;
      cdOffset = zip64.cdOffset;
    }
    if (count > this.limits.maxEntries) throw new ZipFormatError(`${count} entries, more than the limit of ${this.limits.maxEntries}`);
    if (cdSize > this.limits.maxCentralDirectorySize) throw new ZipFormatError(`central directory of ${cdSize} bytes is over the limit`);
    if (cdOffset + cdSize > eocdPosition) throw new ZipFormatError('central directory runs past its end record (truncated?)');

    const cd = this.readAt(cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let total = 0;
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) throw new ZipFormatError(`bad central directory entry ${i}`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let size = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const nameStart = p + 46;
      const extraStart = nameStart + nameLength;
      const next = extraStart + extraLength + commentLength;
      if (next > cd.length) throw new ZipFormatError(`central directory entry ${i} runs past the directory`);
      const name = cd.toString('utf8', nameStart, extraStart);
      if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
        const z = readZip64Extra(cd, extraStart, extraStart + extraLength, {
          size: size === 0xffffffff,
          compressedSize: compressedSize === 0xffffffff,
          offset: localHeaderOffset === 0xffffffff,
        });
        if (!z) throw new ZipFormatError(`${name}: missing zip64 sizes`);
        size = z.size ?? size;
        compressedSize = z.compressedSize ?? compressedSize;
        localHeaderOffset = z.offset ?? localHeaderOffset;
      }
      if (size > this.limits.maxEntrySize) throw new ZipFormatError(`${name}: ${size} bytes, over the per-entry limit`);
      if (localHeaderOffset + 30 + compressedSize > cdOffset) throw new ZipFormatError(`${name}: data overlaps the central directory`);
      total += size;
      if (total > this.limits.maxTotalSize) throw new ZipFormatError('uncompressed total is over the limit');
      entries.push({ name, method, flags, crc32: crc, compressedSize, size, localHeaderOffset });
      p = next;
    }
    return entries;
  }

  private readZip64End(eocdPosition: number): { count: number; cdSize: number; cdOffset: number } {
    if (eocdPosition < 20) throw new ZipFormatError('zip64 locator missing');
    const locator = this.readAt(eocdPosition - 20, 20);
    if (locator.readUInt32LE(0) !== SIG_EOCD64_LOCATOR) throw new ZipFormatError('zip64 locator missing');
    const position = safeNumber(locator.readBigUInt64LE(8));
    const record = this.readAt(position, 56);
    if (record.readUInt32LE(0) !== SIG_EOCD64) throw new ZipFormatError('bad zip64 end record');
    return {
      count: safeNumber(record.readBigUInt64LE(32)),
      cdSize: safeNumber(record.readBigUInt64LE(40)),
      cdOffset: safeNumber(record.readBigUInt64LE(48)),
    };
  }
}

function safeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip64 value out of range');
  return Number(n);
}

function readZip64Extra(
  cd: Buffer,
  start: number,
  end: number,
  want: { size: boolean; compressedSize: boolean; offset: boolean },
): { size?: number; compressedSize?: number; offset?: number } | undefined {
  let p = start;
  while (p + 4 <= end) {
    const id = cd.readUInt16LE(p);
    const length = cd.readUInt16LE(p + 2);
    const dataEnd = p + 4 + length;
    if (dataEnd > end) return undefined;
    if (id === 0x0001) {
      let q = p + 4;
      const out: { size?: number; compressedSize?: number; offset?: number } = {};
      const take = (): number | undefined => {
        if (q + 8 > dataEnd) return undefined;
        const v = safeNumber(cd.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (want.size && (out.size = take()) === undefined) return undefined;
      if (want.compressedSize && (out.compressedSize = take()) === undefined) return undefined;
      if (want.offset && (out.offset = take()) === undefined) return undefined;
      return out;
    }
    p = dataEnd;
  }
  return undefined;
}
