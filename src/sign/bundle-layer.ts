/**
 * Signatures and attestations stored as Sigstore bundles (cosign 3,
 * layout C): open the bundle layer, verify its DSSE signature with a trusted
 * key — with the transparency log too when a trusted root is given — and
 * bind the in-toto statement to the image digest.
 */
import { bundleFromJSON } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { verifyBundle } from './bundle.js';
import type { FoundLayer } from './discover.js';
import { IN_TOTO_PAYLOAD_TYPE, MAX_ENVELOPE_BYTES, verifyEnvelope } from './dsse.js';
import { describeKey, type PublicKey } from './keys.js';
import { readLayerBlob } from './layer-blob.js';
import { annotationMismatches } from './payload.js';
import { COSIGN_SIGN_PREDICATE } from './predicates.js';
import { identityMatches } from './reference.js';
import { parseStatement, subjectMatches, type Statement } from './statement.js';
import type { ArtifactStore } from './store.js';
import { parseStrictJson } from './strict-json.js';
import type { SignatureCheck, VerifyImageOptions } from './verify-types.js';

export type OpenedBundle =
  | { ok: true; statement: Statement; key: PublicKey; tlogChecked: boolean }
  | { ok: false; failure: 'BLOB_UNAVAILABLE' | 'BLOB_MISMATCH' | 'TOO_LARGE' | 'UNREADABLE' | 'SIGNATURE_INVALID' | 'TLOG_INVALID' | 'DIGEST_MISMATCH'; reason: string };

/** Verify a bundle layer's DSSE statement with one of `keys` and check it names `digest`. */
export async function openBundleLayer(store: ArtifactStore, found: FoundLayer, digest: string, keys: readonly PublicKey[], trustedRoot: TrustedRoot | undefined): Promise<OpenedBundle> {
  const blob = await readLayerBlob(store, found.layer, MAX_ENVELOPE_BYTES);
  if (!blob.ok) return { ok: false, failure: blob.failure, reason: blob.reason };
  const json = parseStrictJson(blob.bytes.toString('utf8'), { maxDepth: 64 });
  if (!json.ok) return { ok: false, failure: 'UNREADABLE', reason: `the bundle is not valid JSON (${json.reason})` };
  let bundle;
  try {
    bundle = bundleFromJSON(json.value);
  } catch (e) {
    return { ok: false, failure: 'UNREADABLE', reason: `the bundle is malformed: ${(e as Error).message}` };
  }
  if (bundle.content.$case !== 'dsseEnvelope') return { ok: false, failure: 'UNREADABLE', reason: 'a message-signature bundle on an image is not a cosign image signature (expected a DSSE statement)' };
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { ok: false, failure: 'UNREADABLE', reason: `the DSSE payload type is ${env.payloadType}, not in-toto` };
  const hint = bundle.verificationMaterial.content.$case === 'publicKey' ? bundle.verificationMaterial.content.publicKey.hint : undefined;
  // The hint only orders the candidates; trust comes from the configured keys.
  const ordered = [...keys].sort((a, b) => Number(b.hint === hint) - Number(a.hint === hint));
  let key: PublicKey | undefined;
  let tlogChecked = false;
  if (trustedRoot) {
    let lastReason = 'no key given';
    for (const k of ordered) {
      const out = verifyBundle(json.value as object, trustedRoot, undefined, { publicKey: k });
      if (out.verified) {
        key = k;
        tlogChecked = true;
        break;
      }
      lastReason = out.reason;
      if (out.failure === 'TLOG_INVALID') return { ok: false, failure: 'TLOG_INVALID', reason: out.reason };
    }
    if (!key) return { ok: false, failure: 'SIGNATURE_INVALID', reason: `the bundle does not verify with the trusted keys and root: ${lastReason}` };
  } else {
    const match = verifyEnvelope({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })) }, ordered);
    if (!match) return { ok: false, failure: 'SIGNATURE_INVALID', reason: `the DSSE signature does not verify with ${keys.length === 1 ? describeKey(keys[0]!) : `any of the ${keys.length} trusted keys`}` };
    key = match.key;
  }
  const parsed = parseStatement(env.payload);
  if (!parsed.ok) return { ok: false, failure: 'UNREADABLE', reason: parsed.reason };
  if (!subjectMatches(parsed.statement, digest)) return { ok: false, failure: 'DIGEST_MISMATCH', reason: `signed for another artifact: no statement subject names ${digest}` };
  return { ok: true, statement: parsed.statement, key, tlogChecked };
}

/** A cosign 3 image signature: a bundle whose statement has predicate `https://sigstore.dev/cosign/sign/v1`. */
export async function verifyBundleLayer(store: ArtifactStore, found: FoundLayer, imageDigest: string, keys: readonly PublicKey[], options: VerifyImageOptions): Promise<SignatureCheck> {
  const source = `${found.source} (sigstore bundle)`;
  const opened = await openBundleLayer(store, found, imageDigest, keys, options.trustedRoot);
  if (!opened.ok) return { source, verified: false, failure: opened.failure, reason: opened.reason };
  const { statement, key } = opened;
  if (statement.predicateType !== COSIGN_SIGN_PREDICATE) {
    return { source, verified: false, failure: 'NOT_A_SIGNATURE', reason: `the statement's predicate is ${statement.predicateType}, not an image signature`, key };
  }
  const subject = statement.subjects.find((s) => s.digest.sha256 && `sha256:${s.digest.sha256}` === imageDigest);
  const id = options.identity;
  if (id && subject?.name) {
    if (!identityMatches(subject.name, id)) return { source, verified: false, failure: 'IDENTITY_MISMATCH', reason: `signed as "${subject.name.slice(0, 200)}", not "${id.reference}"`, key };
  }
  const missing = annotationMismatches((subject?.annotations as Record<string, unknown> | undefined) ?? null, options.annotations ?? {});
  if (missing.length > 0) return { source, verified: false, failure: 'ANNOTATION_MISMATCH', reason: `annotations do not match: ${missing.join('; ')}`, key };
  if (options.rekorKeys && !opened.tlogChecked) {
    return { source, verified: false, failure: 'TLOG_MISSING', reason: 'transparency log proof required: pass a trusted root to check bundle log entries', key };
  }
  return { source, verified: true, reason: `verified with ${describeKey(key)}${opened.tlogChecked ? ' and the transparency log' : ' (bundle log entries not checked: no trusted root given)'}`, key };
}
