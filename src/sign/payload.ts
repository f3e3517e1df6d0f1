/**
 * The cosign "simple signing" payload: what a key-based image signature
 * actually signs. Written byte-for-byte as cosign's Go encoder writes it;
 * read strictly (the rules containers/image enforces), from the exact
 * stored bytes, never re-serialized.
 */
import { goJsonString, parseStrictJson } from './strict-json.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** Payloads are a few hundred bytes; 1 MiB leaves room for many annotations. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export interface SimpleSigningPayload {
  dockerReference: string;
  manifestDigest: string;
  /** `optional` as signed: null, or annotations (strings from `-a`, containers/image adds creator/timestamp). */
  optional: Record<string, unknown> | null;
}

/** The bytes cosign signs for a digest and reference (annotations sorted by key, as Go maps marshal). */
export function buildPayload(manifestDigest: string, dockerReference: string, annotations?: Record<string, string>): Buffer {
  const entries = Object.entries(annotations ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const optional = entries.length === 0 ? 'null' : `{${entries.map(([k, v]) => `${goJsonString(k)}:${goJsonString(v)}`).join(',')}}`;
  return Buffer.from(
    `{"critical":{"identity":{"docker-reference":${goJsonString(dockerReference)}},"image":{"docker-manifest-digest":${goJsonString(manifestDigest)}},"type":${goJsonString(COSIGN_SIGNATURE_TYPE)}},"optional":${optional}}`,
    'utf8',
  );
}

export type PayloadParse = { ok: true; payload: SimpleSigningPayload } | { ok: false; reason: string };

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactKeys(obj: Record<string, unknown>, keys: readonly string[], where: string): string | undefined {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) return `${where} has an unexpected field "${k.slice(0, 64)}"`;
  for (const k of keys) if (!Object.hasOwn(obj, k)) return `${where} lacks "${k}"`;
  return undefined;
}

/** Parse signed payload bytes; every way it can be wrong has its own reason. */
export function parsePayload(bytes: Uint8Array): PayloadParse {
  if (bytes.length > MAX_PAYLOAD_BYTES) return { ok: false, reason: `payload is larger than ${MAX_PAYLOAD_BYTES} bytes` };
  const text = Buffer.from(bytes).toString('utf8');
  const json = parseStrictJson(text, { maxBytes: MAX_PAYLOAD_BYTES, maxDepth: 32 });
  if (!json.ok) return { ok: false, reason: `payload is not valid JSON (${json.reason} at offset ${json.offset})` };
  const doc = json.value;
  if (!isObject(doc)) return { ok: false, reason: 'payload is not a JSON object' };
  const top = exactKeys(doc, ['critical', 'optional'], 'payload');
  if (top) return { ok: false, reason: top };
  const { critical, optional } = doc;
  if (!isObject(critical)) return { ok: false, reason: 'critical is not an object' };
  const crit = exactKeys(critical, ['identity', 'image', 'type'], 'critical');
  if (crit) return { ok: false, reason: crit };
  if (critical.type !== COSIGN_SIGNATURE_TYPE) return { ok: false, reason: `critical.type is ${JSON.stringify(critical.type)?.slice(0, 80)}, not "${COSIGN_SIGNATURE_TYPE}"` };
  const { image, identity } = critical;
  if (!isObject(image)) return { ok: false, reason: 'critical.image is not an object' };
  const img = exactKeys(image, ['docker-manifest-digest'], 'critical.image');
  if (img) return { ok: false, reason: img };
  const digest = image['docker-manifest-digest'];
  if (typeof digest !== 'string' || !DIGEST.test(digest)) return { ok: false, reason: 'critical.image.docker-manifest-digest is not a digest' };
  if (!isObject(identity)) return { ok: false, reason: 'critical.identity is not an object' };
  const id = exactKeys(identity, ['docker-reference'], 'critical.identity');
  if (id) return { ok: false, reason: id };
  const ref = identity['docker-reference'];
  if (typeof ref !== 'string') return { ok: false, reason: 'critical.identity.docker-reference is not a string' };
  if (optional !== null && !isObject(optional)) return { ok: false, reason: 'optional is neither null nor an object' };
  if (optional) {
    if (Object.hasOwn(optional, 'creator') && typeof optional.creator !== 'string') return { ok: false, reason: 'optional.creator is not a string' };
    if (Object.hasOwn(optional, 'timestamp') && !Number.isSafeInteger(optional.timestamp)) return { ok: false, reason: 'optional.timestamp is not an integer' };
  }
  return { ok: true, payload: { dockerReference: ref, manifestDigest: digest, optional: optional ?? null } };
}

/** Which `wanted` annotations the signed `optional` lacks or has with another value (only strings match, as in cosign). */
export function annotationMismatches(optional: Record<string, unknown> | null, wanted: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(wanted)) {
    const have = optional && Object.hasOwn(optional, k) ? optional[k] : undefined;
    if (have === undefined) out.push(`${k} is not signed`);
    else if (have !== v) out.push(`${k} is ${JSON.stringify(have).slice(0, 80)}, not ${JSON.stringify(v)}`);
  }
  return out;
}
