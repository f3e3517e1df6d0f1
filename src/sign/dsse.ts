/**
 * DSSE envelopes (the attestation wrapper): the pre-authentication encoding
 * the signature covers, and a strict envelope reader. The signature is over
 * PAE(payloadType, payload), never over the envelope JSON or the base64.
 */
import { decodeBase64Strict } from './encoding.js';
import type { PrivateKey, PublicKey } from './keys.js';
import { signBytes, verifyBytes } from './signer.js';
import { parseStrictJson } from './strict-json.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Attestations carry SBOMs; 64 MiB bounds what we are willing to read. */
export const MAX_ENVELOPE_BYTES = 64 * 1024 * 1024;
const MAX_SIGNATURES = 64;

export interface DsseEnvelope {
  payloadType: string;
  /** The decoded payload bytes (what PAE covers). */
  payload: Buffer;
  signatures: { keyid: string; sig: Buffer }[];
}

/** "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body — lengths in bytes, ASCII decimal. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** DSSE allows standard or URL-safe base64 in envelopes. */
function decodeDsseBase64(text: string): Buffer | undefined {
  const std = decodeBase64Strict(text);
  if (std) return std;
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return undefined;
  const unpadded = text.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(unpadded, 'base64url');
  return bytes.toString('base64url') === unpadded ? bytes : undefined;
}

export type EnvelopeParse = { ok: true; envelope: DsseEnvelope } | { ok: false; reason: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse envelope bytes (a layer blob or a bundle's dsseEnvelope). */
export function parseEnvelope(bytes: Uint8Array): EnvelopeParse {
  if (bytes.length > MAX_ENVELOPE_BYTES) return { ok: false, reason: `envelope is larger than ${MAX_ENVELOPE_BYTES} bytes` };
  const json = parseStrictJson(Buffer.from(bytes).toString('utf8'), { maxBytes: MAX_ENVELOPE_BYTES, maxDepth: 16 });
  if (!json.ok) return { ok: false, reason: `envelope is not valid JSON (${json.reason} at offset ${json.offset})` };
  return envelopeFromJson(json.value);
}

export function envelopeFromJson(doc: unknown): EnvelopeParse {
  if (!isObject(doc)) return { ok: false, reason: 'envelope is not a JSON object' };
  const { payloadType, payload, signatures } = doc;
  if (typeof payloadType !== 'string') return { ok: false, reason: 'envelope.payloadType is not a string' };
  if (typeof payload !== 'string') return { ok: false, reason: 'envelope.payload is not a string' };
  const body = decodeDsseBase64(payload);
  if (!body) return { ok: false, reason: 'envelope.payload is not base64' };
  if (!Array.isArray(signatures) || signatures.length === 0) return { ok: false, reason: 'envelope has no signatures' };
  if (signatures.length > MAX_SIGNATURES) return { ok: false, reason: `envelope has more than ${MAX_SIGNATURES} signatures` };
  const sigs: DsseEnvelope['signatures'] = [];
  for (const [i, s] of signatures.entries()) {
    if (!isObject(s) || typeof s.sig !== 'string') return { ok: false, reason: `envelope.signatures[${i}].sig is not a string` };
    if (s.keyid !== undefined && typeof s.keyid !== 'string') return { ok: false, reason: `envelope.signatures[${i}].keyid is not a string` };
    const sig = decodeDsseBase64(s.sig);
    if (!sig || sig.length === 0) return { ok: false, reason: `envelope.signatures[${i}].sig is not base64` };
    sigs.push({ keyid: (s.keyid as string | undefined) ?? '', sig });
  }
  return { ok: true, envelope: { payloadType, payload: body, signatures: sigs } };
}

/** Sign and serialize an envelope the way cosign writes it (keyid empty). */
export function signEnvelope(key: PrivateKey, payloadType: string, payload: Uint8Array): Buffer {
  const sig = signBytes(key, pae(payloadType, payload));
  return Buffer.from(
    JSON.stringify({ payloadType, payload: Buffer.from(payload).toString('base64'), signatures: [{ keyid: '', sig: sig.toString('base64') }] }),
  );
}

/** The first (signature, key) pair that verifies over the PAE, if any. */
export function verifyEnvelope(envelope: DsseEnvelope, keys: readonly PublicKey[]): { key: PublicKey; index: number } | undefined {
  const message = pae(envelope.payloadType, envelope.payload);
  for (const [index, s] of envelope.signatures.entries()) {
    for (const key of keys) if (verifyBytes(key, message, s.sig)) return { key, index };
  }
  return undefined;
}
