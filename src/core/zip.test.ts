import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { BulkheadError } from './errors.js';
import { ZipArchive, ZipError, type ZipOptions } from './zip.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'bulkhead-zip-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
function writeTemp(bytes: Uint8Array): string {
  const file = path.join(work, `z${counter++}.zip`);
  writeFileSync(file, bytes);
  return file;
}

/** The two sources, run through the same cases: a buffer (jars) and a file read piecewise (OSV exports). */
const sources = [
  { kind: 'buffer', open: (bytes: Uint8Array, options?: ZipOptions) => ZipArchive.fromBuffer(Buffer.from(bytes), options) },
  { kind: 'file', open: (bytes: Uint8Array, options?: ZipOptions) => ZipArchive.openFile(writeTemp(bytes), options) },
] as const;

function readAllFrom(zip: ZipArchive): Map<string, string> {
  try {
    return new Map(zip.entries.map((e) => [e.name, zip.read(e).toString('utf8')]));
  } finally {
    zip.close();
  }
}

/** The error a call throws, for checking its code and text. */
function thrown(run: () => unknown): ZipError {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ZipError);
  return error as ZipError;
}

const sample = {
  'GHSA-1.json': Buffer.from('{"id":"GHSA-1"}'),
  'GHSA-2.json': Buffer.from('{"id":"GHSA-2","details":"' + 'x'.repeat(5000) + '"}'),
  'stored.json': [Buffer.from('{"id":"S-1"}'), { level: 0 }] as [Buffer, { level: 0 }],
};
const sampleZip = () => Buffer.from(zipSync(sample));

/** Made with `zip -fz` by src/inventory/lang/java/testdata/make-jars.sh: a zip64 end record from a real tool. */
const realZip64Jar = () => readFileSync(new URL('../inventory/lang/java/testdata/archives/commons-text-1.10.0-zip64.jar', import.meta.url));
/** Built with the JDK's jar tool: a war holding deflated jars. */
const realWar = () => readFileSync(new URL('../inventory/lang/java/testdata/archives/shop.war', import.meta.url));

/** Offsets of the end record fields in a zip without comment. */
function eocd(buf: Buffer): { at: number; count: number; cdSize: number; cdOffset: number } {
  const at = buf.length - 22;
  expect(buf.readUInt32LE(at)).toBe(0x06054b50);
  return { at, count: buf.readUInt16LE(at + 10), cdSize: buf.readUInt32LE(at + 12), cdOffset: buf.readUInt32LE(at + 16) };
}

/** The central directory header of entry `index` (for patching its fields). */
function centralHeader(buf: Buffer, index: number): number {
  let p = eocd(buf).cdOffset;
  for (let i = 0; i < index; i++) p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  return p;
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

const launchScript = Buffer.from('#!/bin/bash\nexec java -jar "$0" "$@"\n'.repeat(20));

describe.each(sources)('ZipArchive over a $kind', ({ kind, open }) => {
  const readAll = (bytes: Uint8Array, options?: ZipOptions) => readAllFrom(open(bytes, options));

  it('reads deflated and stored entries written by fflate', () => {
    const entries = readAll(sampleZip());
    expect([...entries.keys()]).toEqual(['GHSA-1.json', 'GHSA-2.json', 'stored.json']);
    expect(entries.get('GHSA-1.json')).toBe('{"id":"GHSA-1"}');
    expect(entries.get('GHSA-2.json')).toHaveLength(5000 + 28);
    expect(entries.get('stored.json')).toBe('{"id":"S-1"}');
  });

  it('reads zip64 end records and zip64 extra fields, also with bytes in front', () => {
    const zip64 = toZip64(sampleZip());
    for (const bytes of [zip64, Buffer.concat([launchScript, zip64])]) {
      const entries = readAll(bytes);
      expect(entries.get('GHSA-2.json')).toHaveLength(5028);
      expect(entries.get('stored.json')).toBe('{"id":"S-1"}');
    }
    const jar = readAll(realZip64Jar());
    expect(jar.get('META-INF/maven/org.apache.commons/commons-text/pom.properties')).toContain('artifactId=commons-text');
    expect(jar.get('META-INF/MANIFEST.MF')).toHaveLength(1524);
  });

  it('reads an archive with a launch script in front and bytes after its end', () => {
    const entries = readAll(Buffer.concat([launchScript, sampleZip(), Buffer.from('trailing')]));
    expect(entries.get('GHSA-1.json')).toBe('{"id":"GHSA-1"}');
    expect(entries.get('stored.json')).toBe('{"id":"S-1"}');
  });

  it('fails on a truncated or foreign file', () => {
    const zip = sampleZip();
    const half = thrown(() => readAll(zip.subarray(0, Math.floor(zip.length / 2))));
    expect(half.code).toBe('ARCHIVE_CORRUPT');
    expect(thrown(() => readAll(zip.subarray(0, 10))).message).toBe('too short for a zip archive');
    expect(thrown(() => readAll(Buffer.from('PK\x03\x04 a local header and nothing else'))).message).toBe(
      'no end of central directory record: not a zip archive',
    );
    // Cut inside the data: the directory is whole but its offsets point past what is left.
    const end = eocd(zip);
    const cut = Buffer.concat([zip.subarray(0, 40), zip.subarray(end.cdOffset)]);
    expect(thrown(() => readAll(cut)).code).toBe('ARCHIVE_CORRUPT');
  });

  it('stops inflating a bomb at its declared size', () => {
    // 20 MiB of zeros deflate to ~20 kB; the directory then claims 50 000 bytes, which that much data could hold.
    const zip = Buffer.from(zipSync({ 'bomb.json': new Uint8Array(20 * 1024 * 1024) }));
    zip.writeUInt32LE(50_000, centralHeader(zip, 0) + 24);
    const e = thrown(() => readAll(zip));
    expect(e.code).toBe('LIMIT_EXCEEDED');
    expect(e.message).toBe('bomb.json: inflates past its declared 50000 bytes');
  });

  it('refuses an entry over the cap before inflating it', () => {
    const zip = Buffer.from(zipSync({ 'bomb.json': new Uint8Array(20 * 1024 * 1024) }));
    const archive = open(zip);
    const e = thrown(() => archive.read(archive.entries[0]!, 1000));
    // Had it inflated, the message would be about the inflated data, not the declared size.
    expect(e.message).toBe(`bomb.json: ${20 * 1024 * 1024} bytes, more than the 1000 allowed`);
    expect(e.code).toBe('LIMIT_EXCEEDED');
    archive.close();
  });

  it('refuses a compressed size no deflate stream needs for the declared size', () => {
    // Random bytes do not compress: the deflate data stays near 100 000 bytes.
    const zip = Buffer.from(zipSync({ 'big.json': randomBytes(100_000) }));
    zip.writeUInt32LE(10, centralHeader(zip, 0) + 24);
    expect(thrown(() => readAll(zip)).message).toMatch(/^big\.json: \d+ compressed bytes for 10 inflated: not deflate data$/);
  });

  it('enforces entry count, entry size and total size limits', () => {
    const zip = sampleZip();
    expect(thrown(() => readAll(zip, { maxEntries: 2 })).message).toBe('3 entries, more than the 2 allowed');
    expect(thrown(() => readAll(zip, { maxCentralDirectorySize: 100 })).message).toMatch(/^central directory of \d+ bytes, more than the 100 allowed$/);
    expect(thrown(() => readAll(zip, { maxEntrySize: 1000 })).message).toBe('GHSA-2.json: 5028 bytes, more than the 1000 allowed');
    const total = thrown(() => readAll(zip, { maxTotalSize: 5050 }));
    // GHSA-1 (15) and GHSA-2 (5028) fit, stored.json (12) does not.
    expect(total.message).toBe('stored.json: uncompressed total is over the limit of 5050 bytes');
    expect(total.code).toBe('LIMIT_EXCEEDED');
  });

  it('detects damaged data through the CRC and lying stored sizes', () => {
    const zip = Buffer.from(zipSync({ 'a.json': [Buffer.from('{"id":"A-1"}'), { level: 0 }] }));
    // stored data starts after the 30-byte local header and the 6-byte name
    const damaged = Buffer.from(zip);
    damaged[36 + 2] = 'X'.charCodeAt(0);
    expect(thrown(() => readAll(damaged)).message).toBe('a.json: CRC-32 mismatch');
    const lying = Buffer.from(zip);
    lying.writeUInt32LE(5, centralHeader(lying, 0) + 24);
    expect(thrown(() => readAll(lying)).message).toBe('a.json: stored as 12 bytes, the directory says 5');
  });

  it('refuses encryption and other compression methods', () => {
    const zip = Buffer.from(zipSync({ 'a.json': Buffer.from('{}'), 'b.json': Buffer.from('[]') }));
    zip.writeUInt16LE(1, centralHeader(zip, 0) + 8);
    zip.writeUInt16LE(9, centralHeader(zip, 1) + 10);
    const archive = open(zip);
    expect(thrown(() => archive.read(archive.entries[0]!)).message).toBe('a.json: encrypted entries are not supported');
    expect(thrown(() => archive.read(archive.entries[1]!)).message).toBe('b.json: compression method 9 not supported');
    archive.close();
  });

  it('keeps hostile names as labels: control characters replaced, nothing else touched', () => {
    const entries = readAll(zipSync({ '../../etc/passwd': Buffer.from('a'), '/abs\\win': Buffer.from('b'), 'bell\u0007\u001b[2J.json': Buffer.from('c') }));
    expect([...entries.keys()]).toEqual(['../../etc/passwd', '/abs\\win', 'bell\ufffd\ufffd[2J.json']);
  });

  it('says where it failed: the label, then the entry', () => {
    const zip = Buffer.from(zipSync({ 'a.json': [Buffer.from('{"id":"A-1"}'), { level: 0 }] }));
    zip[36 + 2] = 'X'.charCodeAt(0);
    const e = thrown(() => readAll(zip, { label: 'https://example.test/all.zip' }));
    expect(e).toBeInstanceOf(BulkheadError);
    expect(e.where).toBe('https://example.test/all.zip!a.json');
    expect(e.hint).toMatch(/damaged/);
    expect(thrown(() => readAll(Buffer.alloc(30), { label: 'x.jar' })).where).toBe('x.jar');
    if (kind === 'file') expect(thrown(() => readAll(Buffer.alloc(30))).where).toMatch(/\.zip$/);
  });

  it('refuses reads after close', () => {
    const archive = open(sampleZip());
    archive.close();
    archive.close();
    expect(thrown(() => archive.read(archive.entries[0]!)).message).toBe('GHSA-1.json: the archive was already closed');
  });
});

describe('ZipArchive over a file', () => {
  it('reads only what it needs: an archive behind 5 GiB of (sparse) bytes opens and reads', () => {
    // Loading the whole file would fail: Node reads at most 2 GiB into one buffer.
    const file = path.join(work, 'behind-5g.zip');
    const zip = sampleZip();
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, zip, 0, zip.length, 5 * 1024 ** 3);
    } finally {
      closeSync(fd);
    }
    const archive = ZipArchive.openFile(file);
    expect(archive.entries[0]!.localHeaderOffset).toBe(5 * 1024 ** 3);
    expect(readAllFrom(archive).get('stored.json')).toBe('{"id":"S-1"}');
  });

  it('lets the file system errors through as they are', () => {
    expect(() => ZipArchive.openFile(path.join(work, 'missing.zip'))).toThrow(/ENOENT/);
  });
});

describe('ZipArchive fuzzing', () => {
  const mutations = (base: Buffer) =>
    fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const copy = Buffer.from(base);
      for (const [at, byte] of edits) copy[at] = byte;
      return new Uint8Array(copy);
    });
  const bases = [sampleZip(), toZip64(sampleZip()), Buffer.concat([launchScript, sampleZip()]), realZip64Jar(), realWar()];
  const hostile = fc.oneof(fc.uint8Array({ maxLength: 400 }), ...bases.map(mutations));
  const limits = { maxEntrySize: 1 << 20, maxTotalSize: 4 << 20 };

  /** Open and read every entry; anything but a ZipError fails the property. */
  const survive = (open: () => ZipArchive) => {
    try {
      readAllFrom(open());
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      expect(['ARCHIVE_CORRUPT', 'LIMIT_EXCEEDED']).toContain(e.code);
    }
  };

  it('random and mutated archives in a buffer only ever raise ZipError', () => {
    fc.assert(
      fc.property(hostile, (bytes) => survive(() => ZipArchive.fromBuffer(Buffer.from(bytes), limits))),
      { numRuns: 1500 },
    );
  });

  it('random and mutated archives in a file only ever raise ZipError', () => {
    fc.assert(
      fc.property(hostile, (bytes) => survive(() => ZipArchive.openFile(writeTemp(bytes), limits))),
      { numRuns: 300 },
    );
  });
});
