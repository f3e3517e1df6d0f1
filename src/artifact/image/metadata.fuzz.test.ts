import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { tempDir } from '../../../test/helpers/image-builder.js';
import { configSchema, dockerArchiveManifestSchema, indexSchema, manifestSchema, parseDocument } from './oci-schema.js';
import { TarArchive } from './tar-archive.js';

const schemas = [indexSchema, manifestSchema, configSchema, dockerArchiveManifestSchema] as const;

describe('image metadata parsers on hostile input', () => {
  it('parseDocument returns a value or throws a BulkheadError naming the JSON path', () => {
    fc.assert(
      fc.property(fc.constantFrom(...schemas), fc.oneof(fc.json(), fc.string()), (schema, text) => {
        try {
          parseDocument(schema as never, text, 'doc', 'test');
        } catch (e) {
          expect(e).toBeInstanceOf(BulkheadError);
          expect((e as BulkheadError).message).toMatch(/^doc is (not valid JSON|malformed: )/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseDocument survives deeply nested JSON', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(() => parseDocument(indexSchema, deep, 'index.json', 'test')).toThrow(BulkheadError);
  });

  it('TarArchive.open on random bytes opens or fails with a BulkheadError', async () => {
    const dir = tempDir();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), async (bytes, gzipMagic) => {
        const file = path.join(dir, 'a.tar');
        const b = Buffer.from(bytes);
        if (gzipMagic && b.length > 2) [b[0], b[1]] = [0x1f, 0x8b];
        writeFileSync(file, b);
        try {
          await TarArchive.open(file);
        } catch (e) {
          expect(e).toBeInstanceOf(BulkheadError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
