/**
 * cosign's `--type` names and how cosign turns a predicate file into the
 * statement's predicate: most types pass the JSON through, `custom` wraps
 * text as {Data, Timestamp}, `spdx` keeps non-JSON text as a string, `vuln`
 * and `slsaprovenance1` go through Go/protobuf structs (zero values filled
 * in, or empty ones dropped). Matching that keeps our statements identical
 * to cosign's (fixtures: cosign-attestation/statement-generation-cases.json).
 */
import { BulkheadError } from '../core/errors.js';

export const PredicateTypes = {
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
} as const;

export type PredicateTypeName = keyof typeof PredicateTypes;

/** The predicate type of an image signature in Sigstore bundle form (cosign 3). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

function isUri(value: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** `cyclonedx` → `https://cyclonedx.org/bom`; a URI stays itself; anything else is a usage error. */
export function predicateTypeFor(type: string): string {
  if (Object.hasOwn(PredicateTypes, type)) return PredicateTypes[type as PredicateTypeName];
  if (isUri(type)) return type;
  throw new BulkheadError('USAGE', `unknown attestation type "${type.slice(0, 80)}"`, {
    hint: `use one of ${Object.keys(PredicateTypes).join(', ')}, or a predicate type URI`,
  });
}

type Shape = 'string' | 'any' | 'time' | { [field: string]: Shape };

/** cosign's vulnerability predicate struct (pkg/types/predicate.go), with Go zero values. */
const VULN_SHAPE: Shape = {
  invocation: { parameters: 'any', uri: 'string', event_id: 'string', 'builder.id': 'string' },
  scanner: { uri: 'string', version: 'string', db: { uri: 'string', version: 'string' }, result: 'any' },
  metadata: { scanStartedOn: 'time', scanFinishedOn: 'time' },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's encoding/json into a struct: case-insensitive field names, unknown fields dropped, zero values written. */
function goStruct(input: unknown, shape: Shape, path: string): unknown {
  if (shape === 'any') return input === undefined ? null : input;
  if (shape === 'string' || shape === 'time') {
    if (input === undefined || input === null) return shape === 'time' ? '0001-01-01T00:00:00Z' : '';
    if (typeof input !== 'string') throw predicateError(`${path} must be a string`);
    return input;
  }
  if (input !== undefined && input !== null && !isObject(input)) throw predicateError(`${path} must be an object`);
  const src = (input ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, sub] of Object.entries(shape)) {
    const key = Object.keys(src).find((k) => k === field) ?? Object.keys(src).find((k) => k.toLowerCase() === field.toLowerCase());
    out[field] = goStruct(key === undefined ? undefined : src[key], sub, `${path}.${field}`);
  }
  return out;
}

/** The SLSA v1 provenance message fields (in-toto attestation protobuf), for protojson-like normalization. */
type Proto = 'scalar' | 'struct' | 'map' | { repeated: Proto } | { [field: string]: Proto };
const RESOURCE: Proto = { uri: 'scalar', digest: 'map', name: 'scalar', downloadLocation: 'scalar', mediaType: 'scalar', content: 'scalar', annotations: 'struct' };
const SLSA1_SHAPE: Proto = {
  buildDefinition: { buildType: 'scalar', externalParameters: 'struct', internalParameters: 'struct', resolvedDependencies: { repeated: RESOURCE } },
  runDetails: {
    builder: { id: 'scalar', version: 'map', builderDependencies: { repeated: RESOURCE } },
    metadata: { invocationId: 'scalar', startedOn: 'scalar', finishedOn: 'scalar' },
    byproducts: { repeated: RESOURCE },
  },
};

const fold = (k: string) => k.replace(/_/g, '').toLowerCase();

/** protojson-like: names matched loosely, unknown fields dropped, empty scalars/lists/maps omitted, messages kept. */
function protoMessage(input: unknown, shape: Proto, path: string): unknown {
  if (shape === 'scalar') return input === '' || input === null ? undefined : input;
  if (shape === 'struct') {
    if (input === undefined || input === null) return undefined;
    if (!isObject(input)) throw predicateError(`${path} must be an object`);
    return input;
  }
  if (shape === 'map') {
    if (input === undefined || input === null) return undefined;
    if (!isObject(input)) throw predicateError(`${path} must be an object`);
    return Object.keys(input).length === 0 ? undefined : input;
  }
  if ('repeated' in shape && Object.keys(shape).length === 1) {
    if (input === undefined || input === null) return undefined;
    if (!Array.isArray(input)) throw predicateError(`${path} must be a list`);
    const items = input.map((v, i) => protoMessage(v, shape.repeated as Proto, `${path}[${i}]`) ?? {});
    return items.length === 0 ? undefined : items;
  }
  if (input === undefined || input === null) return undefined;
  if (!isObject(input)) throw predicateError(`${path} must be an object`);
  const out: Record<string, unknown> = {};
  for (const [field, sub] of Object.entries(shape as Record<string, Proto>)) {
    const key = Object.keys(input).find((k) => k === field) ?? Object.keys(input).find((k) => fold(k) === fold(field));
    const v = protoMessage(key === undefined ? undefined : input[key], sub, `${path}.${field}`);
    if (v !== undefined) out[field] = v;
  }
  return out;
}

function predicateError(message: string): BulkheadError {
  return new BulkheadError('USAGE', `the predicate does not fit its type: ${message}`, { hint: 'check the --predicate file against the predicate type' });
}

/** RFC 3339 in seconds, as Go's time.Time marshals a UTC time without fractions. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The predicate cosign would put in the statement for `--type type` and
 * this predicate file content.
 */
export function buildPredicate(type: string, input: string, now: Date = new Date()): unknown {
  const predicateType = predicateTypeFor(type);
  if (type === 'custom') return { Data: input, Timestamp: rfc3339(now) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    if (predicateType === PredicateTypes.spdx) return input;
    throw new BulkheadError('USAGE', `the predicate for type ${type} is not JSON`, { hint: 'pass a JSON predicate file (only spdx accepts tag-value text)' });
  }
  if (predicateType === PredicateTypes.vuln) return goStruct(parsed, VULN_SHAPE, 'predicate');
  if (predicateType === PredicateTypes.slsaprovenance1) return protoMessage(parsed, SLSA1_SHAPE, 'predicate') ?? {};
  return parsed;
}
