/**
 * Keyless signing (Fulcio certificate + Rekor entry) — the interface only.
 * It needs the network (an OIDC provider, Fulcio, Rekor, optionally a TSA),
 * so nothing here calls out; the shapes fix how a later implementation plugs
 * in without changing signImage/verifyImage callers:
 *
 * 1. `OidcTokenSource` yields an identity token (ambient CI token, device
 *    flow, or one given on the command line).
 * 2. An ephemeral P-256 key is generated; `FulcioClient` exchanges the token
 *    and a proof of possession (signature over the token's `sub`) for a
 *    short-lived certificate chain binding the key to the identity.
 * 3. The payload is signed with the ephemeral key exactly as in signImage.
 * 4. `RekorClient` records a hashedrekord (payload sha256, signature,
 *    certificate) and returns the entry with its SET / inclusion proof.
 * 5. The layer gets the `dev.sigstore.cosign/certificate`, `…/chain` and
 *    `…/bundle` annotations (layout A) — or the whole thing becomes a v0.3
 *    bundle (layout C).
 *
 * Verification of such layers offline is what verifyBundle already does for
 * bundles (certificate chain to the trusted root's Fulcio CA, SCT, log entry,
 * identity policy); for layout-A keyless layers the same checks apply to the
 * annotations and are not implemented yet.
 */
import { BulkheadError } from '../core/errors.js';
import type { CertificateIdentity } from './bundle.js';

export interface OidcTokenSource {
  /** A fresh identity token; its `iss` and `sub`/`email` become the certificate identity. */
  token(): Promise<string>;
}

export interface FulcioClient {
  /** POST /api/v2/signingCert: returns the PEM chain, leaf first. */
  requestCertificate(request: { publicKeyPem: string; proofOfPossession: Buffer; identityToken: string }): Promise<{ chainPem: string[]; signedCertificateTimestamp?: Buffer }>;
}

export interface RekorEntryResult {
  logIndex: number;
  integratedTime: number;
  logID: string;
  /** base64 canonical entry body. */
  body: string;
  signedEntryTimestamp: Buffer;
  inclusionProof?: { rootHash: string; treeSize: number; hashes: string[]; checkpoint: string };
}

export interface RekorClient {
  /** POST /api/v1/log/entries with a hashedrekord. */
  uploadHashedRekord(entry: { payloadSha256Hex: string; signature: Buffer; verifierPem: string }): Promise<RekorEntryResult>;
}

export interface TimestampAuthorityClient {
  /** RFC 3161 timestamp over the signature bytes. */
  timestamp(signature: Buffer): Promise<Buffer>;
}

export interface KeylessSigningOptions {
  identity: OidcTokenSource;
  fulcio: FulcioClient;
  rekor: RekorClient;
  tsa?: TimestampAuthorityClient;
}

export interface KeylessVerificationPolicy {
  /** Who must have signed (exact SAN and issuer; cosign's --certificate-identity / --certificate-oidc-issuer). */
  identity: CertificateIdentity;
}

/** Placeholder the CLI can call for `--keyless` until the network clients exist. */
export function keylessUnavailable(): never {
  throw new BulkheadError('USAGE', 'keyless signing (Fulcio/Rekor) is not available in this build', {
    hint: 'sign with a key: bulkhead key generate, then bulkhead sign --key cosign.key; keyless bundles can be verified offline with verifyBundle',
  });
}
