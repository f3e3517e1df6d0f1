/**
 * A Map-backed ArtifactStore for unit tests of the storage layout. It stands
 * for the interface (src/registry/ implements it against real registries),
 * not for an HTTP registry: referrers are computed from stored manifests'
 * `subject`, as a registry with the referrers API would.
 */
import { createHash } from 'node:crypto';
import type { ArtifactStore, OciDescriptor } from '../store.js';

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export class MemoryArtifactStore implements ArtifactStore {
  readonly manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  readonly tags = new Map<string, string>();
  readonly blobs = new Map<string, Buffer>();
  /** Calls in order, for tests that check what was looked at. */
  readonly calls: string[] = [];

  constructor(readonly repository = '127.0.0.1:5000/app') {}

  async getManifest(reference: string): Promise<{ digest: string; mediaType: string; bytes: Buffer } | undefined> {
    this.calls.push(`getManifest ${reference}`);
    const digest = reference.startsWith('sha256:') ? reference : this.tags.get(reference);
    const m = digest ? this.manifests.get(digest) : undefined;
    return m && digest ? { digest, mediaType: m.mediaType, bytes: Buffer.from(m.bytes) } : undefined;
  }

  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    this.calls.push(`putManifest ${reference}`);
    const digest = digestOf(bytes);
    if (reference.startsWith('sha256:') && reference !== digest) throw new Error(`digest mismatch: ${reference} != ${digest}`);
    this.manifests.set(digest, { mediaType, bytes: Buffer.from(bytes) });
    if (!reference.startsWith('sha256:')) this.tags.set(reference, digest);
    return digest;
  }

  async getBlob(digest: string, maxBytes: number): Promise<Buffer> {
    this.calls.push(`getBlob ${digest}`);
    const b = this.blobs.get(digest);
    if (!b) throw Object.assign(new Error(`blob ${digest} not found`), { code: 'REGISTRY_NOT_FOUND' });
    if (b.length > maxBytes) throw Object.assign(new Error(`blob ${digest} is larger than ${maxBytes}`), { code: 'LIMIT_EXCEEDED' });
    return Buffer.from(b);
  }

  async putBlob(bytes: Buffer): Promise<string> {
    const digest = digestOf(bytes);
    this.blobs.set(digest, Buffer.from(bytes));
    return digest;
  }

  async referrers(digest: string, artifactType?: string): Promise<OciDescriptor[]> {
    this.calls.push(`referrers ${digest}`);
    const out: OciDescriptor[] = [];
    for (const [d, m] of this.manifests) {
      let doc: { subject?: { digest?: string }; artifactType?: string; config?: { mediaType?: string }; annotations?: Record<string, string> };
      try {
        doc = JSON.parse(m.bytes.toString('utf8')) as typeof doc;
      } catch {
        continue;
      }
      if (doc.subject?.digest !== digest) continue;
      const type = doc.artifactType ?? doc.config?.mediaType;
      if (artifactType && type !== artifactType) continue;
      out.push({ mediaType: m.mediaType, digest: d, size: m.bytes.length, ...(type ? { artifactType: type } : {}), ...(doc.annotations ? { annotations: doc.annotations } : {}) });
    }
    return out;
  }

  async listTags(): Promise<string[]> {
    return [...this.tags.keys()].sort();
  }

  /** Put an image manifest (any bytes) and tag it; returns its digest. */
  async addImage(bytes: Buffer, tag = 'latest', mediaType = 'application/vnd.oci.image.manifest.v1+json'): Promise<string> {
    return this.putManifest(tag, bytes, mediaType);
  }
}
