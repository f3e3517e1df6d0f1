/** Content hashes that make SBOM identifiers deterministic. */
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function shortHash(text: string, length = 16): string {
  return sha256Hex(text).slice(0, length);
}

/** An RFC 9562 UUID (version 8, the name-based-with-any-hash form) from the SHA-256 of `text`. */
export function uuidFromContent(text: string): string {
  const h = sha256Hex(text).slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
