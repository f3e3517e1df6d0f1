/**
 * Fetch a signature or attestation layer's blob and prove it is the one the
 * descriptor names (size and SHA-256), with a size bound chosen by the
 * caller. A missing blob is a per-layer failure; a registry outage is not
 * (it propagates as the typed external error it is).
 */
import { isBulkheadError } from '../core/errors.js';
import { isSha256Digest, sha256Digest } from './encoding.js';
import type { ArtifactStore, OciDescriptor } from './store.js';

export type BlobRead = { ok: true; bytes: Buffer } | { ok: false; failure: 'BLOB_UNAVAILABLE' | 'BLOB_MISMATCH' | 'TOO_LARGE'; reason: string };

function codeOf(e: unknown): unknown {
  if (isBulkheadError(e)) return e.code;
  return typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
}

export async function readLayerBlob(store: ArtifactStore, layer: OciDescriptor, maxBytes: number): Promise<BlobRead> {
  if (!isSha256Digest(layer.digest)) return { ok: false, failure: 'BLOB_MISMATCH', reason: `layer digest ${layer.digest.slice(0, 80)} is not a sha256 digest` };
  if (layer.size > maxBytes) return { ok: false, failure: 'TOO_LARGE', reason: `layer is ${layer.size} bytes, more than the ${maxBytes} accepted` };
  let bytes: Buffer;
  try {
    bytes = await store.getBlob(layer.digest, maxBytes);
  } catch (e) {
    const code = codeOf(e);
    if (code === 'REGISTRY_NOT_FOUND') return { ok: false, failure: 'BLOB_UNAVAILABLE', reason: `blob ${layer.digest} is not in ${store.repository}` };
    // The registry served more bytes than the descriptor says, or other bytes: this layer is bad, not the registry.
    if (code === 'LIMIT_EXCEEDED' || code === 'DIGEST_MISMATCH') return { ok: false, failure: 'BLOB_MISMATCH', reason: `blob ${layer.digest}: ${(e as Error).message}` };
    throw e;
  }
  if (bytes.length !== layer.size || sha256Digest(bytes) !== layer.digest) {
    return { ok: false, failure: 'BLOB_MISMATCH', reason: `blob content does not match its descriptor (${bytes.length} bytes, ${sha256Digest(bytes)})` };
  }
  return { ok: true, bytes };
}
