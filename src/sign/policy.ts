/**
 * Trust policy files (YAML): which registries are trusted, which
 * repositories need signatures by which keys, which attestations must be
 * present and what they must say. Parsed with `yaml`, validated with zod;
 * every error is POLICY_INVALID with file:line. Keys are loaded here, once,
 * so evaluation (policy-evaluate.ts) does no file access.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { BulkheadError } from '../core/errors.js';
import { loadPublicKey, type PublicKey } from './keys.js';
import { predicateTypeFor, PredicateTypes } from './predicates.js';
import { parseDuration, type VulnConditions } from './vuln-predicate.js';

export const MAX_POLICY_BYTES = 1024 * 1024;

const keySource = z.union([z.object({ path: z.string().min(1) }).strict(), z.object({ pem: z.string().min(1) }).strict()]);
const keyRef = z.union([z.string().min(1), keySource]);
const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
const conditions = z
  .object({
    maxSeverity: severity.optional(),
    maxCounts: z.partialRecord(z.enum(['critical', 'high', 'medium', 'low', 'info', 'unknown']), z.number().int().nonnegative()).optional(),
    maxAge: z.string().refine((s) => parseDuration(s) !== undefined, 'must be a duration like 36h or 7d').optional(),
  })
  .strict();
const attestation = z
  .object({
    type: z.string().min(1),
    keys: z.array(keyRef).min(1).optional(),
    conditions: conditions.optional(),
  })
  .strict();
const rule = z
  .object({
    name: z.string().optional(),
    repositories: z.array(z.string().min(1)).min(1),
    signatures: z
      .object({
        keys: z.array(keyRef).min(1),
        annotations: z.record(z.string(), z.string()).optional(),
        identity: z.enum(['matchRepository', 'matchExact']).optional(),
      })
      .strict()
      .optional(),
    attestations: z.array(attestation).optional(),
  })
  .strict();
const policySchema = z
  .object({
    version: z.literal(1),
    registries: z.array(z.string().min(1)).optional(),
    keys: z.record(z.string(), keySource).optional(),
    rules: z.array(rule).default([]),
    default: z.enum(['allow', 'deny']).default('deny'),
  })
  .strict();

export interface AttestationRequirement {
  type: string;
  predicateType: string;
  keys: PublicKey[];
  conditions?: VulnConditions;
}

export interface PolicyRule {
  name: string;
  repositories: string[];
  signatures?: { keys: PublicKey[]; annotations: Record<string, string>; identity?: 'matchRepository' | 'matchExact' };
  attestations: AttestationRequirement[];
}

export interface TrustPolicy {
  /** The file it came from (or `inline`). */
  source: string;
  /** Trusted registries (globs on host[:port]); undefined = any. */
  registries?: string[];
  rules: PolicyRule[];
  /** For images that no rule covers. */
  default: 'allow' | 'deny';
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

function policyError(message: string, where: string, hint = 'see src/sign/README.md for the policy format'): BulkheadError {
  return new BulkheadError('POLICY_INVALID', message, { where, hint });
}

export interface ParsePolicyOptions {
  /** Name for messages (file path). */
  source?: string;
  /** Directory `path:` keys are relative to. */
  baseDir?: string;
  /** Read a key file (default: the file system, bounded). */
  readKey?: (path: string) => string;
}

function readBounded(path: string, what: string): string {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`${what} is not a regular file`);
  if (st.size > MAX_POLICY_BYTES) throw new Error(`${what} is larger than ${MAX_POLICY_BYTES} bytes`);
  return readFileSync(path, 'utf8');
}

/** Parse and validate policy text, loading every key it names. */
export function parsePolicy(text: string, options: ParsePolicyOptions = {}): TrustPolicy {
  const source = options.source ?? 'inline';
  if (text.length > MAX_POLICY_BYTES) throw policyError(`the policy is larger than ${MAX_POLICY_BYTES} bytes`, source);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, strict: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = counter.linePos(yamlError.pos[0]).line;
    throw policyError(`the policy is not valid YAML: ${yamlError.message.split('\n')[0]}`, `${source}:${line}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw policyError(`the policy cannot be read: ${(e as Error).message}`, `${source}:1`);
  }
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw policyError(`invalid policy: ${field}${issue.message}`, `${source}:${lineOf(doc, counter, issue.path)}`);
  }
  const p = parsed.data;
  const at = (path: PropertyKey[]) => `${source}:${lineOf(doc, counter, path)}`;
  const readKey = options.readKey ?? ((path: string) => readBounded(path, `key file ${path}`));
  const baseDir = options.baseDir ?? process.cwd();

  const loadSource = (src: z.infer<typeof keySource>, path: PropertyKey[]): PublicKey => {
    try {
      if ('pem' in src) return loadPublicKey(src.pem, { where: `${at(path)} (inline key)` });
      const file = isAbsolute(src.path) ? src.path : resolve(baseDir, src.path);
      return loadPublicKey(readKey(file), { where: file });
    } catch (e) {
      const detail = e instanceof BulkheadError ? e.describe() : (e as Error).message;
      throw policyError(`a key in the policy cannot be loaded: ${detail}`, at(path), 'give a PEM public key (path relative to the policy file, or inline pem)');
    }
  };
  const named = new Map<string, PublicKey>();
  for (const [name, src] of Object.entries(p.keys ?? {})) named.set(name, loadSource(src, ['keys', name]));
  const resolveKeys = (refs: z.infer<typeof keyRef>[], path: PropertyKey[]): PublicKey[] =>
    refs.map((r, i) => {
      if (typeof r !== 'string') return loadSource(r, [...path, i]);
      const k = named.get(r);
      if (!k) throw policyError(`key "${r}" is not defined under keys:`, at([...path, i]), `define it: keys: { ${r}: { path: ${r}.pub } }`);
      return k;
    });

  const rules: PolicyRule[] = p.rules.map((r, i) => {
    const base: PropertyKey[] = ['rules', i];
    const sigKeys = r.signatures ? resolveKeys(r.signatures.keys, [...base, 'signatures', 'keys']) : undefined;
    const attestations = (r.attestations ?? []).map((a, j): AttestationRequirement => {
      const path = [...base, 'attestations', j];
      let predicateType: string;
      try {
        predicateType = predicateTypeFor(a.type);
      } catch (e) {
        throw policyError(`attestation type: ${(e as Error).message}`, at([...path, 'type']), `use ${Object.keys(PredicateTypes).join(', ')} or a URI`);
      }
      if (a.conditions && predicateType !== PredicateTypes.vuln) throw policyError('conditions are only defined for vuln attestations', at([...path, 'conditions']));
      const keys = a.keys ? resolveKeys(a.keys, [...path, 'keys']) : sigKeys;
      if (!keys) throw policyError('an attestation requirement needs keys (or the rule needs signatures.keys to reuse)', at(path));
      return { type: a.type, predicateType, keys, ...(a.conditions ? { conditions: a.conditions as VulnConditions } : {}) };
    });
    return {
      name: r.name ?? `rules[${i}]`,
      repositories: r.repositories,
      ...(sigKeys ? { signatures: { keys: sigKeys, annotations: r.signatures?.annotations ?? {}, ...(r.signatures?.identity ? { identity: r.signatures.identity } : {}) } } : {}),
      attestations,
    };
  });
  return { source, ...(p.registries ? { registries: p.registries } : {}), rules, default: p.default };
}

/** Read and parse a policy file; key paths are relative to it. */
export function loadPolicy(file: string): TrustPolicy {
  let text: string;
  try {
    text = readBounded(file, 'the policy');
  } catch (e) {
    throw policyError(`cannot read the policy: ${(e as Error).message}`, file, 'check the --policy path');
  }
  return parsePolicy(text, { source: file, baseDir: dirname(resolve(file)) });
}
