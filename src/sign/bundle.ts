/**
 * Offline verification of Sigstore bundles (v0.1–v0.3) against a given
 * trusted root, through @sigstore/verify: transparency log inclusion,
 * timestamps, certificate chain and identity (keyless) or a configured key
 * (key-based), then the signature. For DSSE in-toto bundles we also bind
 * the statement to the artifact (or image digest), which the library leaves
 * to callers.
 */
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type VerificationPolicy } from '@sigstore/verify';
import { BulkheadError } from '../core/errors.js';
import { sha256Digest } from './encoding.js';
import type { PublicKey } from './keys.js';
import { parseStatement, subjectMatches, type Statement } from './statement.js';
import { parseStrictJson } from './strict-json.js';

export const BUNDLE_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
] as const;

const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

export interface CertificateIdentity {
  /** Exact SAN (email, URI) the signing certificate must carry. */
  subjectAlternativeName?: string;
  /** OIDC issuer (Fulcio extension). */
  issuer?: string;
}

export interface BundleVerifyOptions {
  /** For key-signed bundles: the trusted key (any hint in the bundle is only a lookup hint). */
  publicKey?: PublicKey;
  /** For certificate bundles: who must have signed. Without it any identity the root vouches for is accepted (reported in the result). */
  identity?: CertificateIdentity;
  /** For DSSE in-toto bundles without an artifact: the digest (`sha256:…`) a subject must name. */
  expectedDigest?: string;
  /** Minimum transparency log entries (default 1; 0 for bundles that carry only RFC 3161 timestamps). */
  tlogThreshold?: number;
  /** Minimum verified timestamps (default 1). */
  timestampThreshold?: number;
}

export type BundleFailure = 'BUNDLE_INVALID' | 'BUNDLE_UNSUPPORTED' | 'KEY_MISSING' | 'ARTIFACT_MISSING' | 'SIGNATURE_INVALID' | 'TLOG_INVALID' | 'CERTIFICATE_INVALID' | 'TIMESTAMP_INVALID' | 'IDENTITY_MISMATCH' | 'SUBJECT_MISMATCH';

export interface BundleVerification {
  verified: boolean;
  failure?: BundleFailure;
  reason: string;
  mediaType?: string;
  content?: 'dsse-envelope' | 'message-signature';
  /** Who signed: the key hint (key-based) or certificate identity (keyless). */
  signer?: { keyHint?: string; subjectAlternativeName?: string; issuer?: string };
  /** The in-toto statement of a DSSE bundle. */
  statement?: Statement;
}

function fail(failure: BundleFailure, reason: string, extra: Partial<BundleVerification> = {}): BundleVerification {
  return { verified: false, failure, reason, ...extra };
}

function asJson(input: string | Buffer | object, what: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof input === 'object' && !Buffer.isBuffer(input)) return { ok: true, value: input };
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const parsed = parseStrictJson(text, { maxBytes: MAX_BUNDLE_BYTES, maxDepth: 64 });
  return parsed.ok ? parsed : { ok: false, reason: `${what} is not valid JSON (${parsed.reason} at offset ${parsed.offset})` };
}

/** Load a trusted_root.json (Sigstore TrustedRoot); KEY_INVALID when it is not one. */
export function loadTrustedRoot(input: string | Buffer | object, where?: string): TrustedRoot {
  const json = asJson(input, 'the trusted root');
  if (!json.ok) throw new BulkheadError('KEY_INVALID', json.reason, { where, hint: 'pass a Sigstore trusted_root.json' });
  try {
    const root = TrustedRoot.fromJSON(json.value);
    if (root.tlogs.length + root.certificateAuthorities.length + root.timestampAuthorities.length === 0) throw new Error('it lists no authorities');
    return root;
  } catch (e) {
    throw new BulkheadError('KEY_INVALID', `not a Sigstore trusted root: ${(e as Error).message}`, { where, hint: 'pass a trusted_root.json (e.g. from `cosign trusted-root create` or the TUF repository)', cause: e });
  }
}

function mapLibraryError(e: unknown): BundleVerification {
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error).message ?? String(e);
  if (code === 'UNTRUSTED_SIGNER_ERROR') return fail('IDENTITY_MISMATCH', message);
  if (code.startsWith('TLOG')) return fail('TLOG_INVALID', message);
  if (code === 'CERTIFICATE_ERROR') return fail('CERTIFICATE_INVALID', message);
  if (code === 'TIMESTAMP_ERROR') return fail('TIMESTAMP_INVALID', message);
  if (code === 'PUBLIC_KEY_ERROR') return fail('KEY_MISSING', message);
  return fail('SIGNATURE_INVALID', message);
}

/**
 * Verify a bundle offline. `artifact` is the signed bytes (required for
 * message signatures; for DSSE in-toto it must match a subject when given).
 */
export function verifyBundle(bundleJson: string | Buffer | object, trustedRoot: TrustedRoot | string | Buffer | object, artifact?: Buffer, options: BundleVerifyOptions = {}): BundleVerification {
  const json = asJson(bundleJson, 'the bundle');
  if (!json.ok) return fail('BUNDLE_INVALID', json.reason);
  const mediaType = (json.value as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' || !(BUNDLE_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    return fail('BUNDLE_UNSUPPORTED', `unsupported bundle media type ${JSON.stringify(mediaType ?? null).slice(0, 100)}`);
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json.value);
  } catch (e) {
    return fail('BUNDLE_INVALID', `the bundle is malformed: ${(e as Error).message}`, { mediaType });
  }
  const content = bundle.content.$case === 'dsseEnvelope' ? 'dsse-envelope' : 'message-signature';
  const root = trustedRoot instanceof Object && 'tlogs' in trustedRoot && 'certificateAuthorities' in trustedRoot ? (trustedRoot as TrustedRoot) : loadTrustedRoot(trustedRoot);
  const keyBased = bundle.verificationMaterial.content.$case === 'publicKey';
  if (keyBased && !options.publicKey) return fail('KEY_MISSING', 'the bundle is signed with a key and no public key was given', { mediaType, content });
  if (content === 'message-signature' && !artifact) return fail('ARTIFACT_MISSING', 'a message-signature bundle needs the signed artifact', { mediaType, content });

  const key = options.publicKey;
  const material = toTrustMaterial(root, (hint: string) => {
    if (!key) throw Object.assign(new Error(`no public key given for key hint ${hint}`), { code: 'PUBLIC_KEY_ERROR' });
    return { publicKey: key.key, validFor: () => true };
  });
  const verifier = new Verifier(material, {
    tlogThreshold: options.tlogThreshold ?? 1,
    ctlogThreshold: keyBased ? 0 : 1,
    timestampThreshold: options.timestampThreshold ?? 1,
  });
  const policy: VerificationPolicy = {};
  if (options.identity?.subjectAlternativeName) policy.subjectAlternativeName = options.identity.subjectAlternativeName;
  if (options.identity?.issuer) policy.extensions = { issuer: options.identity.issuer };
  let signer: BundleVerification['signer'];
  try {
    const entity = toSignedEntity(bundle, content === 'message-signature' ? artifact : undefined);
    const result = verifier.verify(entity, policy);
    signer = keyBased
      ? { keyHint: key!.hint }
      : { ...(result.identity?.subjectAlternativeName ? { subjectAlternativeName: result.identity.subjectAlternativeName } : {}), ...(result.identity?.extensions?.issuer ? { issuer: result.identity.extensions.issuer } : {}) };
  } catch (e) {
    return { ...mapLibraryError(e), mediaType, content };
  }

  if (bundle.content.$case === 'dsseEnvelope') {
    const env = bundle.content.dsseEnvelope;
    if (env.payloadType !== 'application/vnd.in-toto+json') {
      return artifact || options.expectedDigest
        ? fail('SUBJECT_MISMATCH', `the DSSE payload is ${env.payloadType}, not an in-toto statement, so it cannot be bound to the artifact`, { mediaType, content, signer })
        : { verified: true, reason: 'bundle verified (DSSE, not in-toto)', mediaType, content, signer };
    }
    const parsed = parseStatement(env.payload);
    if (!parsed.ok) return fail('BUNDLE_INVALID', parsed.reason, { mediaType, content, signer });
    const statement = parsed.statement;
    const wanted = artifact ? sha256Digest(artifact) : options.expectedDigest;
    if (wanted && !subjectMatches(statement, wanted)) {
      return fail('SUBJECT_MISMATCH', `no statement subject names ${wanted}`, { mediaType, content, signer, statement });
    }
    return { verified: true, reason: `bundle verified (DSSE ${statement.predicateType})`, mediaType, content, signer, statement };
  }
  return { verified: true, reason: 'bundle verified (message signature)', mediaType, content, signer };
}
