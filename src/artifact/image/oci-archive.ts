/**
 * OCI archive (`oci-archive:<file>[:tag]`): an OCI image layout packed in a
 * tar, plain or gzip'd.
 */
import type { Readable } from 'node:stream';
import { BulkheadError } from '../../core/errors.js';
import type { BlobStore } from './oci.js';
import { splitDigest } from './source.js';
import type { TarArchive } from './tar-archive.js';

export class OciArchiveStore implements BlobStore {
  readonly description: string;

  constructor(private readonly archive: TarArchive) {
    this.description = `OCI archive ${archive.file}`;
    if (!archive.has('index.json')) {
      throw new BulkheadError('TARGET_UNSUPPORTED', 'the archive holds no index.json, so it is not an OCI archive', {
        where: archive.file,
        hint: 'for `docker save` output use docker-archive:<file>',
      });
    }
  }

  readIndex(): Promise<Buffer> {
    return this.archive.read('index.json', 8 * 1024 * 1024);
  }

  readBlob(digest: string, maxBytes: number): Promise<Buffer> {
    return this.archive.read(this.member(digest), maxBytes);
  }

  async streamBlobs(digests: readonly string[], visit: (digest: string, stream: Readable) => Promise<void>): Promise<void> {
    const byMember = new Map(digests.map((d) => [this.member(d), d]));
    await this.archive.stream([...byMember.keys()], (name, stream) => visit(byMember.get(name)!, stream));
  }

  async close(): Promise<void> {}

  private member(digest: string): string {
    const [algorithm, hex] = splitDigest(digest, this.description);
    return `blobs/${algorithm}/${hex}`;
  }
}
