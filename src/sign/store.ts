/**
 * Where signatures and attestations live: one repository's manifests, blobs,
 * referrers and tags. src/registry/ implements it against real registries
 * (`repositoryStore`); this folder only talks to the interface, so signing and
 * verification are the same code for any backend.
 */

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface ArtifactStore {
  readonly repository: string; // e.g. `127.0.0.1:5000/app`
  getManifest(reference: string): Promise<{ digest: string; mediaType: string; bytes: Buffer } | undefined>; // undefined on 404
  putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string>;
  getBlob(digest: string, maxBytes: number): Promise<Buffer>;
  putBlob(bytes: Buffer): Promise<string>;
  referrers(digest: string, artifactType?: string): Promise<OciDescriptor[]>;
  listTags(): Promise<string[]>;
}
