/**
 * Signing and verification in the cosign formats (key-based), attestations,
 * Sigstore bundles and trust policies. Storage goes through ArtifactStore
 * (src/registry/ provides one for real registries).
 */
export type { ArtifactStore, OciDescriptor } from './store.js';

// Keys
export { generateKeyPair, loadPrivateKey, loadPublicKey, describeKey, ENCRYPTED_SIGSTORE_PEM, ENCRYPTED_COSIGN_PEM } from './keys.js';
export type { PublicKey, PrivateKey, GeneratedKeyPair, GenerateOptions, KeyAlgorithm } from './keys.js';
export { resolveKeyPassword } from './password.js';

// Image signatures
export { signImage, type SignOptions, type SignResult } from './sign-image.js';
export { verifyImage, assertImageVerified } from './verify-image.js';
export { signatureStatus, signedFlag, type SignatureStatus, type SignatureState } from './status.js';
export type { VerifyResult, SignatureCheck, SignatureFailure, VerifyImageOptions, IdentityRequirement } from './verify-types.js';
export { buildPayload, parsePayload, type SimpleSigningPayload } from './payload.js';
export { resolveImage, parseImageReference, type ResolvedImage } from './reference.js';

// Attestations
export { attestImage, verifyAttestations, verifyAttestationEnvelope, assertAttestationsVerified } from './attest.js';
export type { AttestOptions, AttestResult, AttestationsResult, AttestationCheck, AttestationFailure } from './attest.js';
export { PredicateTypes, predicateTypeFor, buildPredicate } from './predicates.js';
export { buildVulnPredicate, extractVulnerabilities, BULKHEAD_VULN_RESULT_FORMAT, type VulnConditions } from './vuln-predicate.js';

// Sigstore bundles (offline)
export { verifyBundle, loadTrustedRoot, BUNDLE_MEDIA_TYPES } from './bundle.js';
export type { BundleVerification, BundleVerifyOptions, BundleFailure, CertificateIdentity } from './bundle.js';
export type { OidcTokenSource, FulcioClient, RekorClient, TimestampAuthorityClient, KeylessSigningOptions, KeylessVerificationPolicy } from './keyless.js';
export { keylessUnavailable } from './keyless.js';

// Trust policy
export { loadPolicy, parsePolicy, type TrustPolicy, type PolicyRule, type AttestationRequirement } from './policy.js';
export { evaluatePolicy, assertPolicyAllowed, splitReference, type PolicyDecision, type PolicyReason, type EvaluateOptions } from './policy-evaluate.js';
