/**
 * What image verification reports: per signature, whether it verified and
 * if not exactly why, plus where we looked.
 */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { PublicKey } from './keys.js';
import type { SimpleSigningPayload } from './payload.js';
import type { IdentityRequirement } from './reference.js';

export type { IdentityRequirement } from './reference.js';

export type SignatureFailure =
  | 'NOT_A_SIGNATURE'
  | 'MISSING_SIGNATURE'
  | 'MALFORMED_SIGNATURE'
  | 'BLOB_UNAVAILABLE'
  | 'BLOB_MISMATCH'
  | 'TOO_LARGE'
  | 'SIGNATURE_INVALID'
  | 'UNTRUSTED_KEY'
  | 'PAYLOAD_INVALID'
  | 'DIGEST_MISMATCH'
  | 'IDENTITY_MISMATCH'
  | 'ANNOTATION_MISMATCH'
  | 'TLOG_MISSING'
  | 'TLOG_INVALID'
  | 'UNREADABLE';

export interface SignatureCheck {
  source: string;
  verified: boolean;
  failure?: SignatureFailure;
  /** Why it failed, or what verified it. */
  reason: string;
  /** The trusted key that verified the signature (even when a later check failed). */
  key?: PublicKey;
  payload?: SimpleSigningPayload;
  tlog?: { logIndex: number; integratedTime: number };
}

export interface VerifyImageOptions {
  /** `-a key=value`: each must be signed with that value in `optional`. */
  annotations?: Record<string, string>;
  identity?: IdentityRequirement;
  /** When given, every signature needs a valid Rekor bundle from one of these logs (offline SET check). */
  rekorKeys?: readonly PublicKey[];
  /** For Sigstore-bundle signatures (cosign 3): verify the transparency log too. Without it only the signature is checked. */
  trustedRoot?: TrustedRoot;
}

export interface VerifyResult {
  imageDigest: string;
  verified: boolean;
  signatures: SignatureCheck[];
  searched: string[];
  ignored: { source: string; reason: string }[];
  /** One paragraph for the terminal. */
  summary: string;
}
