/**
 * `cosign attest --key` and `cosign verify-attestation --key` for an image
 * digest: an in-toto statement about the digest, in a DSSE envelope, stored
 * as a layer of the `sha256-<hex>.att` manifest (cosign's legacy layout,
 * still what most tools read); read back from that tag, from referrers and
 * from Sigstore bundles.
 */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { BulkheadError } from '../core/errors.js';
import { openBundleLayer } from './bundle-layer.js';
import { discover, type FoundLayer } from './discover.js';
import { IN_TOTO_PAYLOAD_TYPE, MAX_ENVELOPE_BYTES, parseEnvelope, signEnvelope, verifyEnvelope } from './dsse.js';
import { digestTag, sha256Digest, shortDigest } from './encoding.js';
import { describeKey, type PrivateKey, type PublicKey } from './keys.js';
import { readLayerBlob } from './layer-blob.js';
import { Annotations, cosignConfig, MediaTypes, parseImageManifest, serializeManifest } from './oci.js';
import { buildPredicate, predicateTypeFor } from './predicates.js';
import { resolveImage } from './reference.js';
import { buildStatement, parseStatement, subjectMatches, type Statement } from './statement.js';
import type { ArtifactStore, OciDescriptor } from './store.js';

export interface AttestOptions {
  /** Subject name; cosign uses the repository. Default: the store's repository. */
  subjectName?: string;
  /** in-toto Statement version: v0.1 (cosign legacy, default) or v1. */
  statementVersion?: 'v0.1' | 'v1';
  /** Drop earlier attestations of the same predicate type (cosign `--replace`). */
  replace?: boolean;
  /** Time for the `custom` predicate's Timestamp. */
  now?: Date;
}

export interface AttestResult {
  statement: Buffer;
  envelope: Buffer;
  predicateType: string;
  layer: OciDescriptor;
  reference: string;
  manifestDigest: string;
}

/**
 * Attest `predicate` (the predicate file's text, or a value to serialize)
 * of `type` (cosign `--type` name or a URI) about `digest`.
 */
export async function attestImage(store: ArtifactStore, digest: string, predicate: string | object, type: string, key: PrivateKey, options: AttestOptions = {}): Promise<AttestResult> {
  const predicateType = predicateTypeFor(type);
  await resolveImage(store, digest);
  const input = typeof predicate === 'string' ? predicate : JSON.stringify(predicate);
  const statement = buildStatement({
    name: options.subjectName ?? store.repository,
    digest,
    predicateType,
    predicate: buildPredicate(type, input, options.now),
    version: options.statementVersion ?? 'v0.1',
  });
  const envelope = signEnvelope(key, IN_TOTO_PAYLOAD_TYPE, statement);
  const layerDigest = await store.putBlob(envelope);
  if (layerDigest !== sha256Digest(envelope)) throw new BulkheadError('DIGEST_MISMATCH', `the registry stored the envelope as ${layerDigest}`, { where: store.repository, hint: 'the registry is misbehaving; try again' });
  const layer: OciDescriptor = { mediaType: MediaTypes.dsse, size: envelope.length, digest: layerDigest, annotations: { [Annotations.signature]: '', [Annotations.predicateType]: predicateType } };

  const tag = digestTag(digest, '.att');
  const existing = await store.getManifest(tag);
  let layers: OciDescriptor[] = [];
  if (existing) {
    const parsed = parseImageManifest(existing.bytes);
    if (!parsed.ok) throw new BulkheadError('MANIFEST_INVALID', `the existing attestation manifest cannot be read: ${parsed.reason}`, { where: `${store.repository}:${tag}`, hint: 'delete that tag and attest again' });
    layers = parsed.value.layers.filter((l) => !(options.replace && l.annotations?.[Annotations.predicateType] === predicateType));
  }
  layers.push(layer);
  const config = cosignConfig(layers.map((l) => l.digest));
  const configDigest = await store.putBlob(config);
  const manifest = serializeManifest({ config: { mediaType: MediaTypes.ociConfig, size: config.length, digest: configDigest }, layers });
  const manifestDigest = await store.putManifest(tag, manifest, MediaTypes.ociManifest);
  return { statement, envelope, predicateType, layer, reference: tag, manifestDigest };
}

export type AttestationFailure = 'NOT_AN_ATTESTATION' | 'UNREADABLE' | 'BLOB_UNAVAILABLE' | 'BLOB_MISMATCH' | 'TOO_LARGE' | 'SIGNATURE_INVALID' | 'TLOG_INVALID' | 'PAYLOAD_INVALID' | 'DIGEST_MISMATCH' | 'TYPE_MISMATCH';

export interface AttestationCheck {
  source: string;
  verified: boolean;
  failure?: AttestationFailure;
  reason: string;
  key?: PublicKey;
  statement?: Statement;
}

export interface VerifyAttestationsOptions {
  /** For attestations stored as Sigstore bundles: also verify their transparency log entries. */
  trustedRoot?: TrustedRoot;
}

export interface AttestationsResult {
  digest: string;
  /** At least one attestation of the wanted type verified. */
  verified: boolean;
  /** Predicates of the verified attestations of the wanted type, in the order found. */
  predicates: { predicateType: string; predicate: unknown; source: string }[];
  attestations: AttestationCheck[];
  searched: string[];
  summary: string;
}

export type EnvelopeCheck = { ok: true; statement: Statement; key: PublicKey } | { ok: false; failure: AttestationFailure; reason: string; key?: PublicKey; statement?: Statement };

/**
 * Verify one DSSE envelope (bytes as stored) for `digest`: signature over
 * the PAE by one of `keys`, an in-toto statement whose subject names the
 * digest, and — when `predicateType` is given — exactly that predicate type.
 */
export function verifyAttestationEnvelope(bytes: Uint8Array, keys: readonly PublicKey[], digest: string, predicateType?: string): EnvelopeCheck {
  const parsed = parseEnvelope(bytes);
  if (!parsed.ok) return { ok: false, failure: 'UNREADABLE', reason: parsed.reason };
  const env = parsed.envelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { ok: false, failure: 'NOT_AN_ATTESTATION', reason: `payload type is ${env.payloadType.slice(0, 100)}, not ${IN_TOTO_PAYLOAD_TYPE}` };
  const match = verifyEnvelope(env, keys);
  if (!match) return { ok: false, failure: 'SIGNATURE_INVALID', reason: `the DSSE signature does not verify with ${keys.length === 1 ? describeKey(keys[0]!) : `any of the ${keys.length} trusted keys`}` };
  const st = parseStatement(env.payload);
  if (!st.ok) return { ok: false, failure: 'PAYLOAD_INVALID', reason: st.reason, key: match.key };
  return checkStatement(st.statement, match.key, digest, predicateType);
}

function checkStatement(statement: Statement, key: PublicKey, digest: string, predicateType: string | undefined): EnvelopeCheck {
  if (!subjectMatches(statement, digest)) {
    const names = statement.subjects.map((s) => (s.digest.sha256 ? `sha256:${s.digest.sha256.slice(0, 12)}…` : 'no sha256')).join(', ');
    return { ok: false, failure: 'DIGEST_MISMATCH', reason: `attests another artifact: subjects are ${names}, none is ${digest}`, key, statement };
  }
  if (predicateType && statement.predicateType !== predicateType) {
    return { ok: false, failure: 'TYPE_MISMATCH', reason: `predicate type is ${statement.predicateType.slice(0, 200)}, not ${predicateType}`, key, statement };
  }
  return { ok: true, statement, key };
}

async function checkLayer(store: ArtifactStore, found: FoundLayer, digest: string, keys: readonly PublicKey[], predicateType: string | undefined, options: VerifyAttestationsOptions): Promise<AttestationCheck> {
  const { source, layer } = found;
  let out: EnvelopeCheck;
  if (found.kind === 'bundle') {
    const opened = await openBundleLayer(store, found, digest, keys, options.trustedRoot);
    out = opened.ok ? checkStatement(opened.statement, opened.key, digest, predicateType) : { ok: false, failure: opened.failure, reason: opened.reason };
  } else if (layer.mediaType !== MediaTypes.dsse) {
    out = { ok: false, failure: 'NOT_AN_ATTESTATION', reason: `layer media type is ${layer.mediaType.slice(0, 100)}` };
  } else {
    const blob = await readLayerBlob(store, layer, MAX_ENVELOPE_BYTES);
    out = blob.ok ? verifyAttestationEnvelope(blob.bytes, keys, digest, predicateType) : { ok: false, failure: blob.failure, reason: blob.reason };
  }
  if (out.ok) return { source, verified: true, reason: `verified with ${describeKey(out.key)} (${out.statement.predicateType})`, key: out.key, statement: out.statement };
  return { source, verified: false, failure: out.failure, reason: out.reason, ...(out.key ? { key: out.key } : {}), ...(out.statement ? { statement: out.statement } : {}) };
}

/**
 * Verify the attestations of `digest` with any of `keys`, keeping those of
 * `type` (cosign name or URI; all types when omitted). Returns their predicates.
 */
export async function verifyAttestations(store: ArtifactStore, digest: string, keys: readonly PublicKey[], type?: string, options: VerifyAttestationsOptions = {}): Promise<AttestationsResult> {
  if (keys.length === 0) throw new BulkheadError('USAGE', 'verification needs at least one public key', { hint: 'pass --key cosign.pub' });
  const predicateType = type === undefined ? undefined : predicateTypeFor(type);
  const d = await discover(store, digest, 'attestations');
  const checks: AttestationCheck[] = d.problems.map((p) => ({ source: p.source, verified: false, failure: 'UNREADABLE', reason: p.reason }));
  for (const found of d.layers) checks.push(await checkLayer(store, found, digest, keys, predicateType, options));
  const good = checks.filter((c) => c.verified);
  const predicates = good.map((c) => ({ predicateType: c.statement!.predicateType, predicate: c.statement!.predicate, source: c.source }));
  const wanted = predicateType ? ` of type ${predicateType}` : '';
  let summary: string;
  if (good.length > 0) summary = `${good.length} attestation(s)${wanted} on ${shortDigest(digest)} verified`;
  else if (checks.length === 0) summary = `no attestation found for ${digest}; looked at ${d.searched.join(' and ')}`;
  else summary = `no attestation${wanted} on ${shortDigest(digest)} verified: ${checks.map((c) => `${c.source}: ${c.reason}`).join('; ')}`;
  return { digest, verified: good.length > 0, predicates, attestations: checks, searched: d.searched, summary };
}

/** For the CLI: a failed result becomes VERIFICATION_FAILED (exit 1). */
export function assertAttestationsVerified(result: AttestationsResult, where?: string): void {
  if (result.verified) return;
  throw new BulkheadError('VERIFICATION_FAILED', result.summary, { where: where ?? result.digest, hint: 'check --key and --type, and that the attestation is for this digest' });
}
