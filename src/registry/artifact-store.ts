/**
 * The artifact store signing and attestation build on: one repository's
 * manifests, blobs, referrers and tags, with "not there" as `undefined` and
 * every other failure as a typed error.
 */
import { BulkheadError } from '../core/errors.js';
import { getBlob } from './blobs.js';
import { requireReference } from './blob-store.js';
import { RegistryClient } from './client.js';
import { listReferrers, listTags, type OciDescriptor } from './lists.js';
import { getManifest, putManifest } from './manifests.js';
import type { RegistryOptions } from './options.js';
import { uploadBlob } from './uploads.js';

export type { OciDescriptor } from './lists.js';

export interface ArtifactStore {
  /** e.g. `127.0.0.1:5000/app` */
  readonly repository: string;
  /** Manifest by tag or digest; undefined when the registry says 404 (any other failure throws). */
  getManifest(reference: string): Promise<{ digest: string; mediaType: string; bytes: Buffer } | undefined>;
  /** PUT a manifest under a tag or its digest; returns its digest. */
  putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string>;
  getBlob(digest: string, maxBytes: number): Promise<Buffer>;
  /** Upload (skipping when it already exists); returns the digest. */
  putBlob(bytes: Buffer): Promise<string>;
  /** Referrers of a digest: the referrers API, else the `sha256-<hex>` tag fallback index. */
  referrers(digest: string, artifactType?: string): Promise<OciDescriptor[]>;
  listTags(): Promise<string[]>;
}

class RegistryArtifactStore implements ArtifactStore {
  readonly repository: string;

  constructor(
    private readonly client: RegistryClient,
    private readonly name: string,
  ) {
    this.repository = `${client.registry}/${name}`;
  }

  async getManifest(reference: string): Promise<{ digest: string; mediaType: string; bytes: Buffer } | undefined> {
    try {
      return await getManifest(this.client, this.name, reference);
    } catch (e) {
      if (e instanceof BulkheadError && e.code === 'REGISTRY_NOT_FOUND') return undefined;
      throw e;
    }
  }

  putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    return putManifest(this.client, this.name, reference, bytes, mediaType);
  }

  getBlob(digest: string, maxBytes: number): Promise<Buffer> {
    return getBlob(this.client, this.name, digest, maxBytes);
  }

  async putBlob(bytes: Buffer): Promise<string> {
    return (await uploadBlob(this.client, this.name, bytes)).digest;
  }

  async referrers(digest: string, artifactType?: string): Promise<OciDescriptor[]> {
    return (await listReferrers(this.client, this.name, digest, artifactType)).referrers;
  }

  listTags(): Promise<string[]> {
    return listTags(this.client, this.name);
  }
}

/**
 * The store for `host/repo` (a tag or digest in the reference is ignored).
 * Sockets are kept alive for reuse; they are unref'd, so they do not hold the
 * process open.
 */
export function repositoryStore(reference: string, options: RegistryOptions = {}): ArtifactStore {
  const ref = requireReference(reference);
  return new RegistryArtifactStore(new RegistryClient(ref.registry, options), ref.repository);
}
