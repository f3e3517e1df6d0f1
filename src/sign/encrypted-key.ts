/**
 * The encrypted private key envelope cosign and sigstore use (go-securesystemslib
 * "encrypted"): scrypt derives a 32-byte key from the password, NaCl secretbox
 * (XSalsa20-Poly1305) seals the PKCS#8 DER. The JSON is written in Go's field
 * order so our files are byte-for-byte what cosign's writer would produce.
 */
import { randomBytes, scrypt as scryptCb } from 'node:crypto';
import nacl from 'tweetnacl';
import { z } from 'zod';
import { decodeBase64Strict } from './encoding.js';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** cosign's current default. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 65536, r: 8, p: 1 };

/**
 * The only parameter sets we derive with (go-securesystemslib accepts the same):
 * a hostile file cannot make us spend gigabytes of memory or minutes of CPU.
 */
const ACCEPTED_N = new Set([32768, 65536, 131072]);

export function scryptParamsAccepted(p: ScryptParams): boolean {
  return ACCEPTED_N.has(p.N) && p.r === 8 && p.p === 1;
}

const envelopeSchema = z.object({
  kdf: z.object({
    name: z.string(),
    params: z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() }),
    salt: z.string(),
  }),
  cipher: z.object({ name: z.string(), nonce: z.string() }),
  ciphertext: z.string(),
});

export type DecryptOutcome =
  | { ok: true; plaintext: Buffer; params: ScryptParams }
  | { ok: false; reason: 'malformed' | 'unsupported' | 'wrong-password'; message: string };

function deriveKey(password: string, salt: Uint8Array, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // 128·N·r bytes of working memory: 128 MiB for the largest accepted N.
    scryptCb(Buffer.from(password, 'utf8'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Open the JSON envelope (the PEM body of a cosign key) with a password. */
export async function decryptEnvelope(json: Buffer, password: string): Promise<DecryptOutcome> {
  let parsed: z.infer<typeof envelopeSchema>;
  try {
    const result = envelopeSchema.safeParse(JSON.parse(json.toString('utf8')));
    if (!result.success) {
      const issue = result.error.issues[0];
      return { ok: false, reason: 'malformed', message: `encrypted key JSON: ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}` };
    }
    parsed = result.data;
  } catch {
    return { ok: false, reason: 'malformed', message: 'the PEM body is not the JSON of an encrypted key' };
  }
  const { kdf, cipher } = parsed;
  if (kdf.name !== 'scrypt') return { ok: false, reason: 'unsupported', message: `key derivation "${kdf.name}" is not supported (only scrypt)` };
  if (cipher.name !== 'nacl/secretbox') return { ok: false, reason: 'unsupported', message: `cipher "${cipher.name}" is not supported (only nacl/secretbox)` };
  if (!scryptParamsAccepted(kdf.params)) {
    const { N, r, p } = kdf.params;
    return { ok: false, reason: 'unsupported', message: `scrypt parameters N=${N} r=${r} p=${p} are not accepted (N must be 32768, 65536 or 131072 with r=8, p=1)` };
  }
  const salt = decodeBase64Strict(kdf.salt);
  const nonce = decodeBase64Strict(cipher.nonce);
  const box = decodeBase64Strict(parsed.ciphertext);
  if (!salt || salt.length === 0) return { ok: false, reason: 'malformed', message: 'kdf.salt is not base64' };
  if (!nonce || nonce.length !== nacl.secretbox.nonceLength) return { ok: false, reason: 'malformed', message: `cipher.nonce must be ${nacl.secretbox.nonceLength} bytes of base64` };
  if (!box || box.length < nacl.secretbox.overheadLength) return { ok: false, reason: 'malformed', message: 'ciphertext is not base64 or shorter than the authentication tag' };
  const key = await deriveKey(password, salt, kdf.params);
  const plain = nacl.secretbox.open(box, nonce, key);
  if (!plain) return { ok: false, reason: 'wrong-password', message: 'decryption failed: wrong password (or the file was altered)' };
  return { ok: true, plaintext: Buffer.from(plain), params: kdf.params };
}

/** Seal plaintext under a password: the JSON bytes cosign writes as the PEM body. */
export async function encryptEnvelope(plaintext: Uint8Array, password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<Buffer> {
  if (!scryptParamsAccepted(params)) throw new RangeError(`scrypt parameters N=${params.N} r=${params.r} p=${params.p} are not accepted`);
  const salt = randomBytes(32);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = await deriveKey(password, salt, params);
  const box = nacl.secretbox(plaintext, nonce, key);
  // Literal template keeps Go's field order (kdf{name,params{N,r,p},salt}, cipher{name,nonce}, ciphertext).
  const json =
    `{"kdf":{"name":"scrypt","params":{"N":${params.N},"r":${params.r},"p":${params.p}},"salt":${JSON.stringify(salt.toString('base64'))}},` +
    `"cipher":{"name":"nacl/secretbox","nonce":${JSON.stringify(Buffer.from(nonce).toString('base64'))}},` +
    `"ciphertext":${JSON.stringify(Buffer.from(box).toString('base64'))}}`;
  return Buffer.from(json, 'utf8');
}
