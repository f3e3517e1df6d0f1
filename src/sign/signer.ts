/**
 * Signature primitives with the conventions cosign uses: ECDSA over the
 * curve's hash (SHA-256 for P-256) encoded as ASN.1 DER, RSA PKCS#1 v1.5
 * with SHA-256, pure Ed25519.
 */
import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { KeyAlgorithm, PrivateKey, PublicKey } from './keys.js';

function hashFor(algorithm: KeyAlgorithm): string | null {
  switch (algorithm) {
    case 'ecdsa-p256':
    case 'rsa':
      return 'sha256';
    case 'ecdsa-p384':
      return 'sha384';
    case 'ecdsa-p521':
      return 'sha512';
    case 'ed25519':
      return null;
  }
}

export function signBytes(key: PrivateKey, data: Uint8Array): Buffer {
  return nodeSign(hashFor(key.algorithm), data, { key: key.key, dsaEncoding: 'der' });
}

/** True only for a signature that verifies; malformed signatures are simply false. */
export function verifyBytes(key: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length === 0 || signature.length > 2048) return false;
  try {
    return nodeVerify(hashFor(key.algorithm), data, { key: key.key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** The first of `keys` that verifies, or undefined. */
export function findVerifyingKey(keys: readonly PublicKey[], data: Uint8Array, signature: Uint8Array): PublicKey | undefined {
  return keys.find((k) => verifyBytes(k, data, signature));
}
