import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { makeTar, sha256 } from '../../../test/helpers/image-builder.js';
import { bufferStream } from './tar-archive.js';
import { walkLayer, type LayerVisitorCallbacks } from './layer-walker.js';

const corpusDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fuzz-corpus/layers');

function visitor(): LayerVisitorCallbacks & { files: number } {
  const v = {
    files: 0,
    entry: () => 1024 * 1024,
    file: () => {
      v.files++;
    },
    whiteout: () => {},
    opaque: () => {},
  };
  return v;
}

/** Walks bytes as a layer whose diffID matches them; resolves or fails with a BulkheadError, nothing else. */
async function walkBytes(bytes: Buffer): Promise<'ok' | string> {
  try {
    await walkLayer({ index: 0, diffID: `sha256:${sha256(bytes)}` }, bufferStream(bytes), visitor());
    return 'ok';
  } catch (e) {
    if (e instanceof BulkheadError) return e.code;
    throw e;
  }
}

describe('walkLayer on hostile bytes', () => {
  it('never throws anything but a BulkheadError on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const outcome = await walkBytes(Buffer.from(bytes));
        expect(typeof outcome).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a BulkheadError on mutated real layers (plain and gzip)', async () => {
    const tarBytes = await makeTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
      { name: 'var/lib/dpkg/status', content: 'Package: a\nVersion: 1\nStatus: install ok installed\n\n' },
      { name: 'bin/sh', type: 'symlink', linkname: 'dash' },
      { name: 'x/.wh.y', content: '' },
    ]);
    const gz = gzipSync(tarBytes);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(tarBytes, gz),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (base, flips, cut) => {
          const b = Buffer.from(base);
          for (const [at, value] of flips) b[at % b.length] = value;
          const mutated = cut === undefined ? b : b.subarray(0, cut % b.length);
          const outcome = await walkBytes(mutated);
          expect(typeof outcome).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles every sample in the kept corpus', async () => {
    const files = readdirSync(corpusDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const outcome = await walkBytes(readFileSync(path.join(corpusDir, f)));
      expect(typeof outcome, f).toBe('string');
    }
  });

  it('refuses an enormous pax header instead of buffering it', async () => {
    // A pax header declaring 1 GiB of attributes, followed by nothing.
    const header = Buffer.alloc(512);
    header.write('PaxHeaders/x', 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write('10000000000\0', 124); // octal: 1 GiB
    header.write('00000000000\0', 136);
    header.write('x', 156);
    header.write('ustar\u000000', 257);
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const outcome = await walkBytes(Buffer.concat([header, Buffer.alloc(1024)]));
    expect(outcome).toBe('ARCHIVE_CORRUPT');
  });
});
