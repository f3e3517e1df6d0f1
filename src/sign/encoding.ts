/**
 * Small, strict byte helpers shared by the signature code: standard base64
 * that refuses junk (Node's decoder silently skips it), SHA-256 digests in
 * the `sha256:<hex>` form, and the OCI digest syntax check.
 */
import { createHash } from 'node:crypto';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decode standard, padded base64; undefined when the text is not exactly that. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Non-canonical trailing bits ("QQ==" vs "QR==") decode to the same bytes; refuse them too.
  if (bytes.toString('base64') !== text) return undefined;
  return bytes;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${sha256Hex(bytes)}`;
}

export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isSha256Digest(value: unknown): boolean {
  return typeof value === 'string' && SHA256_DIGEST.test(value);
}

/** `sha256:abc…` → `sha256-abc…`, the tag cosign derives from a digest. */
export function digestTag(digest: string, suffix: '' | '.sig' | '.att' | '.sbom'): string {
  return `${digest.replace(':', '-')}${suffix}`;
}

/** Shorten for messages: `sha256:634a8f35b5f1…`. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}
