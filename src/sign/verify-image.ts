/**
 * `cosign verify --key` for a digest: every signature found (tag, referrers,
 * bundles) is checked on its own, and the result says which verified and,
 * for each that did not, exactly why. The image passes when at least one
 * signature passes every check.
 */
import { BulkheadError } from '../core/errors.js';
import { verifyBundleLayer } from './bundle-layer.js';
import { discover, type Discovery, type FoundLayer } from './discover.js';
import { decodeBase64Strict, sha256Hex, shortDigest } from './encoding.js';
import { describeKey, loadPublicKey, type PublicKey } from './keys.js';
import { readLayerBlob } from './layer-blob.js';
import { Annotations, MediaTypes } from './oci.js';
import { annotationMismatches, MAX_PAYLOAD_BYTES, parsePayload, type SimpleSigningPayload } from './payload.js';
import { identityMatches } from './reference.js';
import { signerFromRekorBundle, verifyRekorBundle } from './rekor.js';
import { findVerifyingKey, verifyBytes } from './signer.js';
import type { ArtifactStore } from './store.js';
import type { SignatureCheck, SignatureFailure, VerifyImageOptions, VerifyResult } from './verify-types.js';

export type { IdentityRequirement, SignatureCheck, SignatureFailure, VerifyImageOptions, VerifyResult } from './verify-types.js';

function failed(source: string, failure: SignatureFailure, reason: string, extra: Partial<SignatureCheck> = {}): SignatureCheck {
  return { source, verified: false, failure, reason, ...extra };
}

/** When no trusted key verifies: can we name the signer? Only if the layer carries its key (certificate or Rekor entry). */
function untrustedSigner(annotations: Record<string, string>, payload: Buffer, sig: Buffer): PublicKey | undefined {
  const candidates: PublicKey[] = [];
  const cert = annotations[Annotations.certificate];
  if (cert) {
    try {
      candidates.push(loadPublicKey(cert, { where: 'certificate annotation' }));
    } catch {
      /* not readable: no diagnosis from it */
    }
  }
  const rekor = annotations[Annotations.rekorBundle];
  const fromRekor = rekor ? signerFromRekorBundle(rekor) : undefined;
  if (fromRekor) candidates.push(fromRekor);
  return candidates.find((k) => verifyBytes(k, payload, sig));
}

export function checkPayloadClaims(payload: SimpleSigningPayload, imageDigest: string, options: VerifyImageOptions): { failure: SignatureFailure; reason: string } | undefined {
  if (payload.manifestDigest !== imageDigest) {
    return { failure: 'DIGEST_MISMATCH', reason: `signed for another image: the payload names ${payload.manifestDigest}, not ${imageDigest}` };
  }
  const id = options.identity;
  if (id) {
    const signed = payload.dockerReference;
    if (!identityMatches(signed, id)) return { failure: 'IDENTITY_MISMATCH', reason: `signed as "${signed.slice(0, 200)}", which does not ${id.mode === 'matchExact' ? 'equal' : 'name the repository of'} "${id.reference}"` };
  }
  const missing = annotationMismatches(payload.optional, options.annotations ?? {});
  if (missing.length > 0) return { failure: 'ANNOTATION_MISMATCH', reason: `annotations do not match: ${missing.join('; ')}` };
  return undefined;
}

async function checkSimpleSigning(store: ArtifactStore, found: FoundLayer, imageDigest: string, keys: readonly PublicKey[], options: VerifyImageOptions): Promise<SignatureCheck> {
  const { source, layer } = found;
  if (layer.mediaType !== MediaTypes.simpleSigning) return failed(source, 'NOT_A_SIGNATURE', `layer media type is ${layer.mediaType}`);
  const annotations = layer.annotations ?? {};
  const sigText = annotations[Annotations.signature];
  if (sigText === undefined || sigText === '') return failed(source, 'MISSING_SIGNATURE', `no ${Annotations.signature} annotation`);
  const sig = decodeBase64Strict(sigText);
  if (!sig) return failed(source, 'MALFORMED_SIGNATURE', 'the signature annotation is not valid base64');
  const blob = await readLayerBlob(store, layer, MAX_PAYLOAD_BYTES);
  if (!blob.ok) return failed(source, blob.failure, blob.reason);
  const payloadBytes = blob.bytes;
  const key = findVerifyingKey(keys, payloadBytes, sig);
  if (!key) {
    const other = untrustedSigner(annotations, payloadBytes, sig);
    if (other) return failed(source, 'UNTRUSTED_KEY', `signed by another key: ${describeKey(other)}, not one of the ${keys.length} trusted`);
    return failed(source, 'SIGNATURE_INVALID', `the signature does not verify with ${keys.length === 1 ? describeKey(keys[0]!) : `any of the ${keys.length} trusted keys`} (invalid, or made by a key that was not supplied)`);
  }
  const parsed = parsePayload(payloadBytes);
  if (!parsed.ok) return failed(source, 'PAYLOAD_INVALID', `signature verifies, but the payload is not a cosign signature payload: ${parsed.reason}`, { key });
  const claims = checkPayloadClaims(parsed.payload, imageDigest, options);
  if (claims) return failed(source, claims.failure, claims.reason, { key, payload: parsed.payload });
  let tlog: SignatureCheck['tlog'];
  if (options.rekorKeys) {
    const bundle = annotations[Annotations.rekorBundle];
    if (!bundle) return failed(source, 'TLOG_MISSING', `transparency log proof required, but there is no ${Annotations.rekorBundle} annotation`, { key, payload: parsed.payload });
    const rekor = verifyRekorBundle(bundle, options.rekorKeys, sha256Hex(payloadBytes), sigText, key);
    if (!rekor.ok) return failed(source, 'TLOG_INVALID', rekor.reason, { key, payload: parsed.payload });
    tlog = { logIndex: rekor.entry.logIndex, integratedTime: rekor.entry.integratedTime };
  }
  return { source, verified: true, reason: `verified with ${describeKey(key)}`, key, payload: parsed.payload, ...(tlog ? { tlog } : {}) };
}

function summarize(imageDigest: string, d: Discovery, checks: SignatureCheck[]): string {
  const ok = checks.filter((c) => c.verified);
  if (ok.length > 0) return `${ok.length} of ${checks.length} signature(s) on ${shortDigest(imageDigest)} verified (${ok.map((c) => c.source).join(', ')})`;
  if (checks.length === 0) {
    const ignored = d.ignored.length > 0 ? `; ignored: ${d.ignored.map((i) => `${i.source} (${i.reason})`).join(', ')}` : '';
    return `no signature found for ${imageDigest}; looked at ${d.searched.join(' and ')}${ignored}`;
  }
  return `none of the ${checks.length} signature(s) on ${shortDigest(imageDigest)} verified: ${checks.map((c) => `${c.source}: ${c.reason}`).join('; ')}`;
}

/**
 * Verify the signatures of `imageDigest` with any of `publicKeys`.
 * Registry failures propagate (exit 3); everything about the signatures
 * themselves is in the result.
 */
export async function verifyImage(store: ArtifactStore, imageDigest: string, publicKeys: readonly PublicKey[], options: VerifyImageOptions = {}): Promise<VerifyResult> {
  if (publicKeys.length === 0) throw new BulkheadError('USAGE', 'verification needs at least one public key', { hint: 'pass --key cosign.pub (repeatable)' });
  const d = await discover(store, imageDigest, 'signatures');
  const checks: SignatureCheck[] = d.problems.map((p) => failed(p.source, 'UNREADABLE', p.reason));
  for (const found of d.layers) {
    if (found.kind === 'bundle') checks.push(await verifyBundleLayer(store, found, imageDigest, publicKeys, options));
    else checks.push(await checkSimpleSigning(store, found, imageDigest, publicKeys, options));
  }
  const verified = checks.some((c) => c.verified);
  return { imageDigest, verified, signatures: checks, searched: d.searched, ignored: d.ignored, summary: summarize(imageDigest, d, checks) };
}

/** For the CLI: turn a failed result into VERIFICATION_FAILED (exit 1) with the summary. */
export function assertImageVerified(result: VerifyResult, where?: string): void {
  if (result.verified) return;
  throw new BulkheadError('VERIFICATION_FAILED', result.summary, {
    where: where ?? result.imageDigest,
    hint: result.signatures.length === 0 ? 'sign the image (bulkhead sign --key cosign.key IMAGE) or check the repository' : 'check the --key, -a annotations and that the signature is for this digest',
  });
}
