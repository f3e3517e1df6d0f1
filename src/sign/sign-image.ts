/**
 * `cosign sign --key` for a manifest digest: the simple-signing payload,
 * its ECDSA signature, stored as cosign stores it — a layer appended to the
 * manifest at tag `sha256-<hex>.sig` (layout A, the default), or a
 * legacy-payload OCI 1.1 referrer with `subject` (layout B).
 */
import { BulkheadError } from '../core/errors.js';
import { decodeBase64Strict, digestTag, sha256Digest } from './encoding.js';
import type { PrivateKey } from './keys.js';
import { Annotations, cosignConfig, MediaTypes, parseImageManifest, serializeManifest, type ManifestParts } from './oci.js';
import { buildPayload } from './payload.js';
import { resolveImage } from './reference.js';
import { signBytes, verifyBytes } from './signer.js';
import type { ArtifactStore, OciDescriptor } from './store.js';

export interface SignOptions {
  /** `-a key=value` annotations, signed under `optional`. */
  annotations?: Record<string, string>;
  /** `tag` (cosign default: `sha256-<hex>.sig`) or `referrer` (OCI 1.1 subject, cosign's `--registry-referrers-mode=oci-1-1`). */
  mode?: 'tag' | 'referrer';
}

export interface SignResult {
  payload: Buffer;
  /** base64 DER signature (the annotation value). */
  signature: string;
  layer: OciDescriptor;
  /** Where the signature manifest was written: the `.sig` tag or the referrer digest. */
  reference: string;
  manifestDigest: string;
  /** True when an identical signature by the same key was already there (cosign's duplicate detection): nothing written. */
  alreadySigned: boolean;
}

/** Store a blob and insist the store agrees on its digest. */
async function putBlobChecked(store: ArtifactStore, bytes: Buffer): Promise<string> {
  const expected = sha256Digest(bytes);
  const got = await store.putBlob(bytes);
  if (got !== expected) throw new BulkheadError('DIGEST_MISMATCH', `the registry stored a blob as ${got}, expected ${expected}`, { where: store.repository, hint: 'the registry is misbehaving; try again or use another registry' });
  return got;
}

async function writeManifest(store: ArtifactStore, reference: string | undefined, parts: ManifestParts): Promise<{ reference: string; digest: string }> {
  const layerDigests = parts.layers.map((l) => l.digest);
  const config = cosignConfig(layerDigests);
  const configDigest = await putBlobChecked(store, config);
  const bytes = serializeManifest({ ...parts, config: { mediaType: parts.config.mediaType, size: config.length, digest: configDigest } });
  const ref = reference ?? sha256Digest(bytes);
  const digest = await store.putManifest(ref, bytes, MediaTypes.ociManifest);
  return { reference: ref, digest };
}

/**
 * Sign `imageDigest` (a manifest or index in `store`) as `dockerReference`
 * (cosign writes the repository, e.g. `127.0.0.1:5000/app`).
 */
export async function signImage(store: ArtifactStore, imageDigest: string, dockerReference: string, key: PrivateKey, options: SignOptions = {}): Promise<SignResult> {
  const image = await resolveImage(store, imageDigest);
  if (image.digest !== imageDigest) throw new BulkheadError('DIGEST_MISMATCH', `the store returned ${image.digest} for ${imageDigest}`, { where: store.repository, hint: 'sign a digest, not a tag' });
  const payload = buildPayload(imageDigest, dockerReference, options.annotations);
  const signature = signBytes(key, payload).toString('base64');
  const layerDigest = await putBlobChecked(store, payload);
  const layer: OciDescriptor = { mediaType: MediaTypes.simpleSigning, size: payload.length, digest: layerDigest, annotations: { [Annotations.signature]: signature } };

  if (options.mode === 'referrer') {
    const written = await writeManifest(store, undefined, {
      artifactType: MediaTypes.cosignSigArtifact,
      config: { mediaType: MediaTypes.cosignSigArtifact, size: 0, digest: '' },
      layers: [layer],
      subject: { mediaType: image.mediaType, size: image.size, digest: imageDigest },
    });
    return { payload, signature, layer, reference: written.reference, manifestDigest: written.digest, alreadySigned: false };
  }

  const tag = digestTag(imageDigest, '.sig');
  const existing = await store.getManifest(tag);
  let layers: OciDescriptor[] = [];
  if (existing) {
    const parsed = parseImageManifest(existing.bytes);
    if (!parsed.ok) {
      throw new BulkheadError('MANIFEST_INVALID', `the existing signature manifest cannot be read: ${parsed.reason}`, {
        where: `${store.repository}:${tag}`,
        hint: 'delete that tag (it holds no readable signatures) and sign again',
      });
    }
    layers = parsed.value.layers.map((l) => ({ ...l }));
    // Same payload already signed by this key: cosign's duplicate detector writes nothing.
    for (const l of layers) {
      const sig = l.annotations?.[Annotations.signature];
      const sigBytes = sig === undefined ? undefined : decodeBase64Strict(sig);
      if (l.mediaType === MediaTypes.simpleSigning && l.digest === layerDigest && sigBytes && verifyBytes(key.publicKey, payload, sigBytes)) {
        return { payload, signature: sig!, layer: l, reference: tag, manifestDigest: existing.digest, alreadySigned: true };
      }
    }
  }
  layers.push(layer);
  const written = await writeManifest(store, tag, { config: { mediaType: MediaTypes.ociConfig, size: 0, digest: '' }, layers });
  return { payload, signature, layer, reference: tag, manifestDigest: written.digest, alreadySigned: false };
}
