/**
 * A read-only zip reader over an in-memory buffer, for Java archives: the
 * central directory (zip64 included), and the bytes of chosen entries,
 * stored or deflated. Data before the archive (the launch script of a
 * "fully executable" Spring Boot jar) is allowed: offsets are taken relative
 * to where the central directory really is.
 *
 * Hostile input: counts and offsets are checked against the buffer, the
 * number of entries is capped, and inflating stops at a caller-given size
 * (zip bombs), so every failure is a `ZipError` the caller turns into a
 * warning.
 */
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  /** Uncompressed size as declared (a hostile archive may lie; reads are capped regardless). */
  size: number;
  localOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** The entry's bytes, at most `maxBytes` of them; throws ZipError otherwise. */
  read(entry: ZipEntry, maxBytes: number): Buffer;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

export const DEFAULT_MAX_ENTRIES = 200_000;

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('zip64 field out of range');
  return Number(v);
}

function findEocd(buf: Buffer): number {
  const last = buf.length - 22;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let i = last; i >= first; i--) {
    if (buf[i] === 0x50 && buf[i + 1] === 0x4b && buf.readUInt32LE(i) === EOCD) return i;
  }
  throw new ZipError('no end of central directory record: not a zip archive');
}

export function openZip(buf: Buffer, maxEntries = DEFAULT_MAX_ENTRIES): ZipArchive {
  if (buf.length < 22) throw new ZipError('too short for a zip archive');
  const eocd = findEocd(buf);
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  let cdEnd = eocd;
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    // The zip64 record sits right before its locator (56 bytes without extensible data).
    const rec = eocd - 20 - 56;
    if (rec < 0 || buf.readUInt32LE(rec) !== ZIP64_EOCD) throw new ZipError('zip64 end of central directory record not found');
    count = u64(buf, rec + 32);
    cdSize = u64(buf, rec + 40);
    cdOffset = u64(buf, rec + 48);
    cdEnd = rec;
  }
  // Bytes prepended to the archive shift every offset by the same amount.
  const base = cdEnd - cdSize - cdOffset;
  if (base < 0 || cdSize > cdEnd) throw new ZipError('central directory lies outside the file');
  if (count > maxEntries) throw new ZipError(`${count} entries, more than the ${maxEntries} allowed`);

  const entries: ZipEntry[] = [];
  let at = base + cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdEnd || buf.readUInt32LE(at) !== CENTRAL) throw new ZipError(`central directory entry ${i} is damaged`);
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    let compressedSize = buf.readUInt32LE(at + 20);
    let size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    let localOffset = buf.readUInt32LE(at + 42);
    const next = at + 46 + nameLen + extraLen + commentLen;
    if (next > cdEnd) throw new ZipError(`central directory entry ${i} overruns the directory`);
    const name = buf.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLen);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      const z = zip64Extra(buf, at + 46 + nameLen, extraLen);
      if (z) {
        let k = 0;
        if (size === 0xffffffff) size = z[k++] ?? size;
        if (compressedSize === 0xffffffff) compressedSize = z[k++] ?? compressedSize;
        if (localOffset === 0xffffffff) localOffset = z[k++] ?? localOffset;
      }
    }
    entries.push({ name, method, flags, compressedSize, size, localOffset: localOffset + base });
    at = next;
  }
  return { entries, read: (entry, maxBytes) => readEntry(buf, entry, maxBytes) };
}

/** The 64-bit values of a zip64 extended information extra field, in order. */
function zip64Extra(buf: Buffer, start: number, length: number): number[] | null {
  let at = start;
  const end = start + length;
  while (at + 4 <= end) {
    const id = buf.readUInt16LE(at);
    const len = buf.readUInt16LE(at + 2);
    if (at + 4 + len > end) return null;
    if (id === 0x0001) {
      const values: number[] = [];
      for (let o = at + 4; o + 8 <= at + 4 + len; o += 8) values.push(u64(buf, o));
      return values;
    }
    at += 4 + len;
  }
  return null;
}

function readEntry(buf: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  if ((entry.flags & 1) !== 0) throw new ZipError(`${entry.name} is encrypted`);
  if (entry.size > maxBytes) throw new ZipError(`${entry.name} is ${entry.size} bytes, more than the ${maxBytes} allowed`);
  const h = entry.localOffset;
  if (h < 0 || h + 30 > buf.length || buf.readUInt32LE(h) !== LOCAL) throw new ZipError(`${entry.name}: local header not found`);
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  if (start + entry.compressedSize > buf.length) throw new ZipError(`${entry.name}: data runs past the end of the archive`);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (data.length > maxBytes) throw new ZipError(`${entry.name} is ${data.length} bytes, more than the ${maxBytes} allowed`);
    return data;
  }
  if (entry.method !== 8) throw new ZipError(`${entry.name}: compression method ${entry.method} not supported`);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ZipError(`${entry.name} inflates beyond ${maxBytes} bytes (declared ${entry.size})`);
    }
    throw new ZipError(`${entry.name}: corrupt deflate data`);
  }
}
