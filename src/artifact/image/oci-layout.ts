/**
 * OCI image layout directory (`oci:<dir>[:tag|@digest]`): index.json plus
 * blobs/<alg>/<hex>. Blobs are streamed straight from disk.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BulkheadError } from '../../core/errors.js';
import type { BlobStore } from './oci.js';
import { splitDigest } from './source.js';

export class OciLayoutStore implements BlobStore {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `OCI layout ${dir}`;
  }

  static async open(dir: string): Promise<OciLayoutStore> {
    const layoutFile = path.join(dir, 'oci-layout');
    let text: string;
    try {
      text = await readFile(layoutFile, 'utf8');
    } catch {
      throw new BulkheadError('TARGET_UNSUPPORTED', `${dir} is not an OCI image layout (no oci-layout file)`, {
        where: dir,
        hint: 'point at a directory written by skopeo/umoci/buildkit (oci:<dir>), or use `bulkhead rootfs` for an unpacked filesystem',
      });
    }
    try {
      const version = (JSON.parse(text) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
      if (typeof version !== 'string' || !version.startsWith('1.')) throw new Error(`imageLayoutVersion ${String(version)}`);
    } catch (e) {
      throw new BulkheadError('MANIFEST_INVALID', `oci-layout is not a supported layout (${(e as Error).message})`, {
        where: layoutFile,
        hint: 'only image layout version 1.x is supported',
      });
    }
    return new OciLayoutStore(dir);
  }

  async readIndex(): Promise<Buffer> {
    const file = path.join(this.dir, 'index.json');
    return readBounded(file, 8 * 1024 * 1024, 'index.json');
  }

  async readBlob(digest: string, maxBytes: number): Promise<Buffer> {
    return readBounded(this.blobPath(digest), maxBytes, `blob ${digest}`);
  }

  async streamBlobs(digests: readonly string[], visit: (digest: string, stream: Readable) => Promise<void>): Promise<void> {
    for (const digest of digests) {
      const file = this.blobPath(digest);
      await assertExists(file, `layer blob ${digest}`);
      await visit(digest, createReadStream(file, { highWaterMark: 1024 * 1024 }));
    }
  }

  async close(): Promise<void> {}

  private blobPath(digest: string): string {
    const [algorithm, hex] = splitDigest(digest, this.description);
    return path.join(this.dir, 'blobs', algorithm, hex);
  }
}

async function assertExists(file: string, what: string): Promise<void> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a file');
  } catch {
    throw new BulkheadError('MANIFEST_INVALID', `${what} is missing from the layout`, {
      where: file,
      hint: 'the layout is incomplete; copy the image again (skopeo copy)',
    });
  }
}

export async function readBounded(file: string, maxBytes: number, what: string): Promise<Buffer> {
  await assertExists(file, what);
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) {
      throw new BulkheadError('LIMIT_EXCEEDED', `${what} is ${size} bytes, more than the ${maxBytes} allowed`, { where: file });
    }
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
