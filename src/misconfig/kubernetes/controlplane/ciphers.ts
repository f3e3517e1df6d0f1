/**
 * TLS cipher suites as Go (and so every Kubernetes component) names them,
 * judged for CIS 1.2.29 / 4.2.12 "only strong cryptographic ciphers".
 *
 * Strong: the TLS 1.3 suites, and TLS 1.2 suites with ECDHE key exchange
 * (forward secrecy) and an AEAD cipher (GCM, ChaCha20-Poly1305). Everything
 * else is weak: CBC modes (padding-oracle history, Lucky13), static RSA key
 * exchange (no forward secrecy) and, broken outright, RC4 and 3DES.
 */
import type { FlagSet } from './flags.js';
import type { Violation } from './rule.js';

const STRONG = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

export interface CipherVerdict {
  weak: string[];
  /** Any of RC4, 3DES, NULL or EXPORT: broken, not merely weak. */
  broken: boolean;
}

export function judgeCiphers(suites: readonly string[]): CipherVerdict {
  const weak = [...new Set(suites.map((s) => s.trim()).filter((s) => s && !STRONG.has(s)))];
  return { weak, broken: weak.some((s) => /RC4|3DES|_NULL|EXPORT/.test(s)) };
}

export const STRONG_CIPHER_SUITES: readonly string[] = [...STRONG];

/** Shared by the API server and the kubelet (4.2.12). */
export function cipherRule(f: FlagSet, component: string): Violation | undefined {
  const items = f.items('tls-cipher-suites');
  if (!items.length) return { evidence: `--tls-cipher-suites is absent; ${component} accepts Go's default suites, which include CBC and RSA key-exchange suites` };
  const verdict = judgeCiphers(items.map((i) => i.item));
  if (!verdict.weak.length) return undefined;
  const flag = f.last('tls-cipher-suites')!;
  return { evidence: `--tls-cipher-suites includes ${verdict.weak.slice(0, 6).join(', ')}${verdict.weak.length > 6 ? ', …' : ''}`, flag, ...(verdict.broken ? { severity: 'medium' as const } : {}) };
}
