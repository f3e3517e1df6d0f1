/**
 * Offline check of the Rekor "bundle" cosign attaches to a key-based
 * signature layer (`dev.sigstore.cosign/bundle`): the signed entry timestamp
 * (SET) by the log's key over the canonical entry, and the hashedrekord body
 * bound to this payload, this signature and this signer.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decodeBase64Strict } from './encoding.js';
import { loadPublicKey, type PublicKey } from './keys.js';
import { verifyBytes } from './signer.js';
import { parseStrictJson } from './strict-json.js';

const bundleSchema = z.object({
  SignedEntryTimestamp: z.string(),
  Payload: z.object({
    body: z.string(),
    integratedTime: z.number().int(),
    logIndex: z.number().int(),
    logID: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

const hashedRekordSchema = z.object({
  apiVersion: z.string(),
  kind: z.literal('hashedrekord'),
  spec: z.object({
    data: z.object({ hash: z.object({ algorithm: z.literal('sha256'), value: z.string() }) }),
    signature: z.object({ content: z.string(), publicKey: z.object({ content: z.string() }) }),
  }),
});

export interface RekorEntry {
  integratedTime: number;
  logIndex: number;
  logID: string;
  /** The signer's key (or certificate key) recorded in the entry. */
  signer: PublicKey;
}

export type RekorCheck = { ok: true; entry: RekorEntry } | { ok: false; reason: string; signer?: PublicKey };

/** hex SHA-256 of the key's SubjectPublicKeyInfo: how Rekor names its log. */
export function logIdOf(key: PublicKey): string {
  return createHash('sha256').update(key.key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Read the signer key out of a bundle annotation without trusting anything (for diagnostics). */
export function signerFromRekorBundle(annotation: string): PublicKey | undefined {
  const parsed = readBundle(annotation);
  return parsed.ok ? parsed.signer : undefined;
}

function readBundle(annotation: string): { ok: true; bundle: z.infer<typeof bundleSchema>; body: z.infer<typeof hashedRekordSchema>; signer: PublicKey } | { ok: false; reason: string } {
  const json = parseStrictJson(annotation, { maxBytes: 1024 * 1024, maxDepth: 16 });
  if (!json.ok) return { ok: false, reason: `the Rekor bundle annotation is not valid JSON (${json.reason})` };
  const b = bundleSchema.safeParse(json.value);
  if (!b.success) return { ok: false, reason: `the Rekor bundle annotation is malformed (${b.error.issues[0]?.path.join('.') ?? ''})` };
  const bodyBytes = decodeBase64Strict(b.data.Payload.body);
  if (!bodyBytes) return { ok: false, reason: 'the Rekor entry body is not base64' };
  const bodyJson = parseStrictJson(bodyBytes.toString('utf8'), { maxBytes: 1024 * 1024, maxDepth: 16 });
  const body = bodyJson.ok ? hashedRekordSchema.safeParse(bodyJson.value) : undefined;
  if (!body?.success) return { ok: false, reason: 'the Rekor entry is not a hashedrekord entry' };
  const pem = decodeBase64Strict(body.data.spec.signature.publicKey.content);
  if (!pem) return { ok: false, reason: 'the Rekor entry public key is not base64' };
  let signer: PublicKey;
  try {
    signer = loadPublicKey(pem, { where: 'rekor entry' });
  } catch {
    return { ok: false, reason: 'the Rekor entry public key is not readable' };
  }
  return { ok: true, bundle: b.data, body: body.data, signer };
}

/**
 * Check a layer's Rekor bundle against trusted log keys, the SHA-256 of the
 * signed payload (= the layer digest), the layer's base64 signature and the
 * key that verified it.
 */
export function verifyRekorBundle(annotation: string, logKeys: readonly PublicKey[], payloadSha256Hex: string, signatureB64: string, verifiedBy: PublicKey): RekorCheck {
  const read = readBundle(annotation);
  if (!read.ok) return read;
  const { bundle, body, signer } = read;
  const { Payload: p } = bundle;
  const logKey = logKeys.find((k) => logIdOf(k) === p.logID);
  if (!logKey) return { ok: false, reason: `the entry is from log ${p.logID.slice(0, 12)}…, which is not among the trusted Rekor keys`, signer };
  // Canonical JSON: keys sorted, no whitespace, body still base64.
  const canonical = `{"body":${JSON.stringify(p.body)},"integratedTime":${p.integratedTime},"logID":${JSON.stringify(p.logID)},"logIndex":${p.logIndex}}`;
  const set = decodeBase64Strict(bundle.SignedEntryTimestamp);
  if (!set || !verifyBytes(logKey, Buffer.from(canonical), set)) return { ok: false, reason: 'the signed entry timestamp does not verify with the Rekor key', signer };
  if (body.spec.data.hash.value !== payloadSha256Hex) return { ok: false, reason: 'the Rekor entry records another payload hash', signer };
  if (body.spec.signature.content !== signatureB64) return { ok: false, reason: 'the signature in the Rekor entry does not match the layer signature', signer };
  if (signer.hint !== verifiedBy.hint) return { ok: false, reason: 'the Rekor entry records another signing key', signer };
  return { ok: true, entry: { integratedTime: p.integratedTime, logIndex: p.logIndex, logID: p.logID, signer } };
}
