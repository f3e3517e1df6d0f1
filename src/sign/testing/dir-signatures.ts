/**
 * Load containers/image `dir:` signature files (fixtures/sigstore/containers-image)
 * into a store laid out as cosign would have stored them: the image manifest,
 * and one layer per signature in the `sha256-<hex>.sig` manifest.
 */
import { existsSync } from 'node:fs';
import { Annotations, cosignConfig, MediaTypes, serializeManifest } from '../oci.js';
import type { OciDescriptor } from '../store.js';
import { fixtureBytes, fixturePath } from './fixtures.js';
import { MemoryArtifactStore } from './memory-store.js';

export interface DirSignature {
  mimeType: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

const MAGIC = Buffer.from('\x00sigstore-json\n', 'latin1');

export function readDirSignature(...parts: string[]): DirSignature {
  const raw = fixtureBytes(...parts);
  if (!raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${parts.join('/')} is not a sigstore-json signature`);
  const doc = JSON.parse(raw.subarray(MAGIC.length).toString('utf8')) as { mimeType: string; payload: string; annotations: Record<string, string> };
  return { mimeType: doc.mimeType, payload: Buffer.from(doc.payload, 'base64'), annotations: doc.annotations };
}

/** A store holding `manifest` (when given) tagged `latest` and `signatures` at its `.sig` tag; returns the store and image digest. */
export async function storeWithSignatures(manifest: Buffer | undefined, signatures: DirSignature[], imageDigest?: string): Promise<{ store: MemoryArtifactStore; digest: string }> {
  const store = new MemoryArtifactStore('192.168.64.2:5000/cosign-signed-single-sample');
  const digest = manifest ? await store.addImage(manifest, 'latest', MediaTypes.dockerManifest) : imageDigest!;
  const layers: OciDescriptor[] = [];
  for (const s of signatures) {
    const d = await store.putBlob(s.payload);
    layers.push({ mediaType: s.mimeType, size: s.payload.length, digest: d, annotations: s.annotations });
  }
  const config = cosignConfig(layers.map((l) => l.digest));
  const configDigest = await store.putBlob(config);
  const bytes = serializeManifest({ config: { mediaType: MediaTypes.ociConfig, size: config.length, digest: configDigest }, layers });
  await store.putManifest(`${digest.replace(':', '-')}.sig`, bytes, MediaTypes.ociManifest);
  return { store, digest };
}

export function dirImageManifest(dir: string): Buffer | undefined {
  return existsSync(fixturePath('containers-image', dir, 'manifest.json')) ? fixtureBytes('containers-image', dir, 'manifest.json') : undefined;
}

export const SIGNATURE_ANNOTATION = Annotations.signature;
