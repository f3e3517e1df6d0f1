import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { ZipFormatError, ZipReader, type ZipLimits } from './zip.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'bulkhead-zip-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
function writeZip(bytes: Uint8Array): string {
  const file = path.join(work, `z${counter++}.zip`);
  writeFileSync(file, bytes);
  return file;
}

function readAll(file: string, limits: Partial<ZipLimits> = {}): Map<string, string> {
  const zip = ZipReader.open(file, limits);
  try {
    return new Map(zip.entries.map((e) => [e.name, zip.read(e).toString('utf8')]));
  } finally {
    zip.close();
  }
}

const sample = {
  'GHSA-1.json': Buffer.from('{"id":"GHSA-1"}'),
  'GHSA-2.json': Buffer.from('{"id":"GHSA-2","details":"' + 'x'.repeat(5000) + '"}'),
  'stored.json': [Buffer.from('{"id":"S-1"}'), { level: 0 }] as [Buffer, { level: 0 }],
};

/** Offsets of the end record fields in a zip without comment. */
function eocd(buf: Buffer): { at: number; count: number; cdSize: number; cdOffset: number } {
  const at = buf.length - 22;
  expect(buf.readUInt32LE(at)).toBe(0x06054b50);
  return { at, count: buf.readUInt16LE(at + 10), cdSize: buf.readUInt32LE(at + 12), cdOffset: buf.readUInt32LE(at + 16) };
}

/** Rewrite a zip so that sizes live in zip64 extra fields and the end record is zip64. */
function toZip64(zip: Buffer): Buffer {
  const end = eocd(zip);
  const parts: Buffer[] = [];
  let p = end.cdOffset;
  for (let i = 0; i < end.count; i++) {
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const header = Buffer.from(zip.subarray(p, p + 46));
    const csize = header.readUInt32LE(20);
    const size = header.readUInt32LE(24);
    const offset = header.readUInt32LE(42);
    header.writeUInt32LE(0xffffffff, 20);
    header.writeUInt32LE(0xffffffff, 24);
    header.writeUInt32LE(0xffffffff, 42);
    const extra = Buffer.alloc(4 + 24);
    extra.writeUInt16LE(1, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(size), 4);
    extra.writeBigUInt64LE(BigInt(csize), 12);
    extra.writeBigUInt64LE(BigInt(offset), 20);
    header.writeUInt16LE(extraLength + extra.length, 30);
    const name = zip.subarray(p + 46, p + 46 + nameLength);
    const rest = zip.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength + commentLength);
    parts.push(header, name, extra, rest);
    p += 46 + nameLength + extraLength + commentLength;
  }
  const cd = Buffer.concat(parts);
  const data = zip.subarray(0, end.cdOffset);
  const z64 = Buffer.alloc(56);
  z64.writeUInt32LE(0x06064b50, 0);
  z64.writeBigUInt64LE(44n, 4);
  z64.writeBigUInt64LE(BigInt(end.count), 24);
  z64.writeBigUInt64LE(BigInt(end.count), 32);
  z64.writeBigUInt64LE(BigInt(cd.length), 40);
  z64.writeBigUInt64LE(BigInt(data.length), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(data.length + cd.length), 8);
  locator.writeUInt32LE(1, 16);
  const end32 = Buffer.alloc(22);
  end32.writeUInt32LE(0x06054b50, 0);
  end32.writeUInt16LE(0xffff, 8);
  end32.writeUInt16LE(0xffff, 10);
  end32.writeUInt32LE(0xffffffff, 12);
  end32.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([data, cd, z64, locator, end32]);
}

describe('ZipReader', () => {
  it('reads deflated and stored entries written by fflate', () => {
    const entries = readAll(writeZip(zipSync(sample)));
    expect([...entries.keys()]).toEqual(['GHSA-1.json', 'GHSA-2.json', 'stored.json']);
    expect(entries.get('GHSA-1.json')).toBe('{"id":"GHSA-1"}');
    expect(entries.get('GHSA-2.json')).toHaveLength(5000 + 28);
    expect(entries.get('stored.json')).toBe('{"id":"S-1"}');
  });

  it('reads zip64 end records and zip64 extra fields', () => {
    const zip64 = toZip64(Buffer.from(zipSync(sample)));
    const entries = readAll(writeZip(zip64));
    expect(entries.get('GHSA-2.json')).toHaveLength(5028);
    expect(entries.get('stored.json')).toBe('{"id":"S-1"}');
  });

  it('fails on a truncated archive', () => {
    const zip = Buffer.from(zipSync(sample));
    expect(() => readAll(writeZip(zip.subarray(0, Math.floor(zip.length / 2))))).toThrow(ZipFormatError);
    expect(() => readAll(writeZip(zip.subarray(0, 10)))).toThrow(/too small/);
  });

  it('stops a bomb at its declared size', () => {
    // 20 MB of zeros deflates to ~20 kB; the directory then claims 100 bytes.
    const zip = Buffer.from(zipSync({ 'bomb.json': new Uint8Array(20 * 1024 * 1024) }));
    const end = eocd(zip);
    zip.writeUInt32LE(100, end.cdOffset + 24);
    const started = performance.now();
    expect(() => readAll(writeZip(zip))).toThrow(/bomb.json: cannot inflate/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('enforces entry count and size limits before inflating anything', () => {
    const file = writeZip(zipSync(sample));
    expect(() => readAll(file, { maxEntries: 2 })).toThrow(/3 entries, more than the limit of 2/);
    expect(() => readAll(file, { maxEntrySize: 1000 })).toThrow(/GHSA-2.json: 5028 bytes, over the per-entry limit/);
    expect(() => readAll(file, { maxTotalSize: 100 })).toThrow(/uncompressed total is over the limit/);
  });

  it('detects damaged data through the CRC', () => {
    const zip = Buffer.from(zipSync({ 'a.json': [Buffer.from('{"id":"A-1"}'), { level: 0 }] }));
    // stored data starts after the 30-byte local header and the 6-byte name
    zip[36 + 2] = 'X'.charCodeAt(0);
    expect(() => readAll(writeZip(zip))).toThrow(/a.json: CRC-32 mismatch/);
  });

  it('fuzz: random and mutated bytes only ever raise ZipFormatError', () => {
    const good = Buffer.from(zipSync(sample));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
            const copy = Buffer.from(good);
            for (const [at, byte] of edits) copy[at] = byte;
            return new Uint8Array(copy);
          }),
        ),
        (bytes) => {
          try {
            readAll(writeZip(bytes), { maxEntrySize: 1 << 20, maxTotalSize: 4 << 20 });
          } catch (e) {
            expect(e).toBeInstanceOf(ZipFormatError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
