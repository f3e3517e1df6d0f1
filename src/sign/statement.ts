/**
 * in-toto Statements: what an attestation says about which artifact. Built
 * in cosign's field order (v0.1: _type, predicateType, subject, predicate;
 * v1 in protobuf order: _type, subject, predicateType, predicate) and read
 * strictly, with the subject digests as the binding to the image.
 */
import { parseStrictJson } from './strict-json.js';

export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

export interface Subject {
  name: string;
  digest: Record<string, string>;
  /** in-toto v1 ResourceDescriptor annotations (cosign 3 puts `-a` annotations here). */
  annotations?: Record<string, unknown>;
}

export interface Statement {
  type: string;
  predicateType: string;
  subjects: Subject[];
  predicate: unknown;
}

export interface StatementInput {
  /** Subject name: the repository (cosign) or a file name. */
  name: string;
  /** `sha256:<hex>`. */
  digest: string;
  predicateType: string;
  predicate: unknown;
  version?: 'v0.1' | 'v1';
}

export function buildStatement(input: StatementInput): Buffer {
  const [algorithm, hex] = input.digest.split(':', 2) as [string, string];
  const subject = [{ name: input.name, digest: { [algorithm]: hex } }];
  const doc =
    input.version === 'v1'
      ? { _type: STATEMENT_V1, subject, predicateType: input.predicateType, predicate: input.predicate }
      : { _type: STATEMENT_V01, predicateType: input.predicateType, subject, predicate: input.predicate };
  return Buffer.from(JSON.stringify(doc));
}

export type StatementParse = { ok: true; statement: Statement } | { ok: false; reason: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MAX_SUBJECTS = 10_000;

export function parseStatement(bytes: Uint8Array): StatementParse {
  const json = parseStrictJson(Buffer.from(bytes).toString('utf8'), { maxDepth: 128 });
  if (!json.ok) return { ok: false, reason: `statement is not valid JSON (${json.reason} at offset ${json.offset})` };
  const doc = json.value;
  if (!isObject(doc)) return { ok: false, reason: 'statement is not a JSON object' };
  if (doc._type !== STATEMENT_V01 && doc._type !== STATEMENT_V1) return { ok: false, reason: `statement _type ${JSON.stringify(doc._type ?? null).slice(0, 80)} is not an in-toto Statement v0.1 or v1` };
  if (typeof doc.predicateType !== 'string' || doc.predicateType === '') return { ok: false, reason: 'statement has no predicateType' };
  if (!Array.isArray(doc.subject) || doc.subject.length === 0) return { ok: false, reason: 'statement has no subject' };
  if (doc.subject.length > MAX_SUBJECTS) return { ok: false, reason: `statement has more than ${MAX_SUBJECTS} subjects` };
  const subjects: Subject[] = [];
  for (const [i, s] of doc.subject.entries()) {
    if (!isObject(s) || !isObject(s.digest)) return { ok: false, reason: `statement subject[${i}] has no digest` };
    const digest: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.digest)) if (typeof v === 'string') digest[k] = v;
    const subject: Subject = { name: typeof s.name === 'string' ? s.name : '', digest };
    if (isObject(s.annotations)) subject.annotations = s.annotations;
    subjects.push(subject);
  }
  return { ok: true, statement: { type: doc._type, predicateType: doc.predicateType, subjects, predicate: doc.predicate ?? null } };
}

/** Does a subject name this `sha256:<hex>` digest? */
export function subjectMatches(statement: Statement, digest: string): boolean {
  const [algorithm, hex] = digest.split(':', 2);
  if (!algorithm || !hex) return false;
  return statement.subjects.some((s) => Object.hasOwn(s.digest, algorithm) && s.digest[algorithm]?.toLowerCase() === hex.toLowerCase());
}
