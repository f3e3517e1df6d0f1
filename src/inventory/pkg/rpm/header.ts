/**
 * rpm header blobs as the rpm databases store them: a count of index
 * entries (il) and of data bytes (dl), both big-endian, then il 16-byte
 * entries (tag, type, offset, count) and the data store. Every offset and
 * count is checked against the blob before a byte is read.
 */

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  FILEMODES: 1030,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  MODULARITYLABEL: 5096,
} as const;

const TYPE = { CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

/** rpm's own limits (hdrchkTags, hdrchkData). */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;

interface Entry {
  type: number;
  offset: number;
  count: number;
}

export class RpmHeader {
  private readonly entries = new Map<number, Entry>();
  private readonly data: Buffer;

  private constructor(blob: Buffer, il: number, dl: number) {
    const dataStart = 8 + il * 16;
    this.data = blob.subarray(dataStart, dataStart + dl);
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const tag = blob.readUInt32BE(at);
      // The first occurrence wins, as in rpm's own lookup of a sorted index.
      if (!this.entries.has(tag)) {
        this.entries.set(tag, { type: blob.readUInt32BE(at + 4), offset: blob.readInt32BE(at + 8), count: blob.readUInt32BE(at + 12) });
      }
    }
  }

  /** Parses a header blob; throws a plain Error naming what is wrong when it is not one. */
  static parse(blob: Buffer): RpmHeader {
    if (blob.length < 8) throw new Error('header blob shorter than 8 bytes');
    const il = blob.readUInt32BE(0);
    const dl = blob.readUInt32BE(4);
    if (il < 1 || il > MAX_ENTRIES) throw new Error(`header claims ${il} index entries`);
    if (dl > MAX_DATA) throw new Error(`header claims ${dl} data bytes`);
    if (8 + il * 16 + dl > blob.length) throw new Error('header is longer than its blob');
    return new RpmHeader(blob, il, dl);
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A string tag (STRING, or the first of an I18NSTRING/STRING_ARRAY); undefined when absent or malformed. */
  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e || (e.type !== TYPE.STRING && e.type !== TYPE.I18NSTRING && e.type !== TYPE.STRING_ARRAY) || e.count < 1) return undefined;
    return this.readStrings(e.offset, 1)?.[0];
  }

  strings(tag: number): string[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type === TYPE.STRING) return this.readStrings(e.offset, 1);
    if (e.type !== TYPE.STRING_ARRAY && e.type !== TYPE.I18NSTRING) return undefined;
    // Each string takes at least its NUL: more than that cannot fit.
    if (e.count > this.data.length) return undefined;
    return this.readStrings(e.offset, e.count);
  }

  /** INT8/INT16/INT32 values (unsigned); undefined when absent or out of bounds. */
  ints(tag: number): number[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    const size = e.type === TYPE.INT32 ? 4 : e.type === TYPE.INT16 ? 2 : e.type === TYPE.INT8 || e.type === TYPE.CHAR ? 1 : 0;
    if (!size || e.offset < 0 || e.count > this.data.length || e.offset + e.count * size > this.data.length) return undefined;
    const out = new Array<number>(e.count);
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * size;
      out[i] = size === 4 ? this.data.readUInt32BE(at) : size === 2 ? this.data.readUInt16BE(at) : this.data[at]!;
    }
    return out;
  }

  int(tag: number): number | undefined {
    return this.ints(tag)?.[0];
  }

  private readStrings(offset: number, count: number): string[] | undefined {
    if (offset < 0 || offset >= this.data.length) return undefined;
    const out: string[] = [];
    let at = offset;
    for (let i = 0; i < count; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) return undefined;
      out.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  }
}
