/**
 * Evaluate a trust policy for one image reference: trusted registry, then
 * every rule whose repository globs match (all must pass), each asking for
 * signatures and attestations that verify with its keys and, for vuln
 * attestations, conditions on the newest verified scan. Pure of CLI
 * concerns: the admission controller calls the same function.
 */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { BulkheadError } from '../core/errors.js';
import { verifyAttestations, type AttestationsResult } from './attest.js';
import { globMatch } from './glob.js';
import type { PublicKey } from './keys.js';
import type { AttestationRequirement, PolicyRule, TrustPolicy } from './policy.js';
import { parseImageReference } from './reference.js';
import type { ArtifactStore } from './store.js';
import { verifyImage } from './verify-image.js';
import { evaluateVulnConditions, extractVulnerabilities } from './vuln-predicate.js';

export type PolicyCheck = 'reference' | 'registry' | 'rule' | 'signature' | 'attestation' | 'condition' | 'default';

export interface PolicyReason {
  check: PolicyCheck;
  ok: boolean;
  /** The rule it belongs to, when any. */
  rule?: string;
  message: string;
}

export interface PolicyDecision {
  allowed: boolean;
  /** The digest the decision is about (tags are resolved once, so admission can pin it). */
  digest?: string;
  reasons: PolicyReason[];
}

export interface EvaluateOptions {
  now?: Date;
  /** For Sigstore-bundle signatures/attestations: check their log entries too. */
  trustedRoot?: TrustedRoot;
}

/** Registry host and repository path of a reference; Docker Hub short names normalized. */
export function splitReference(imageRef: string): { registry: string; repository: string; tag?: string; digest?: string } | undefined {
  const ref = parseImageReference(imageRef);
  if (!ref) return undefined;
  let repo = ref.repository;
  const first = repo.split('/')[0]!;
  if (!repo.includes('/') || (!first.includes('.') && !first.includes(':') && first !== 'localhost')) {
    repo = repo.includes('/') ? `docker.io/${repo}` : `docker.io/library/${repo}`;
  }
  const slash = repo.indexOf('/');
  return { registry: repo.slice(0, slash), repository: repo, ...(ref.tag ? { tag: ref.tag } : {}), ...(ref.digest ? { digest: ref.digest } : {}) };
}

function keyList(keys: readonly PublicKey[]): string {
  return keys.map((k) => k.source ?? `SHA256:${k.hint.slice(0, 12)}…`).join(', ');
}

async function resolveDigest(store: ArtifactStore, ref: { tag?: string; digest?: string }): Promise<{ digest?: string; reason?: string }> {
  if (ref.digest) return { digest: ref.digest };
  const m = await store.getManifest(ref.tag ?? 'latest');
  return m ? { digest: m.digest } : { reason: `tag ${ref.tag ?? 'latest'} does not exist in ${store.repository}` };
}

function newestFirst(result: AttestationsResult): unknown[] {
  const time = (p: unknown) => {
    const ex = extractVulnerabilities(p);
    return ex.ok && ex.finishedOn ? Date.parse(ex.finishedOn) || 0 : 0;
  };
  return result.predicates.map((p) => p.predicate).sort((a, b) => time(b) - time(a));
}

async function checkAttestation(store: ArtifactStore, digest: string, rule: PolicyRule, req: AttestationRequirement, options: EvaluateOptions, reasons: PolicyReason[]): Promise<void> {
  const result = await verifyAttestations(store, digest, req.keys, req.predicateType, options.trustedRoot ? { trustedRoot: options.trustedRoot } : {});
  if (!result.verified) {
    reasons.push({ check: 'attestation', ok: false, rule: rule.name, message: `no verified ${req.type} attestation by ${keyList(req.keys)}: ${result.summary}` });
    return;
  }
  reasons.push({ check: 'attestation', ok: true, rule: rule.name, message: `${req.type} attestation verified (${result.predicates.length})` });
  if (!req.conditions) return;
  // Attestations accumulate at the .att tag; the newest scan is the one that describes the image now.
  const newest = newestFirst(result)[0];
  const problems = evaluateVulnConditions(newest, req.conditions, options.now ?? new Date());
  reasons.push(
    problems.length === 0
      ? { check: 'condition', ok: true, rule: rule.name, message: `the newest ${req.type} attestation meets its conditions` }
      : { check: 'condition', ok: false, rule: rule.name, message: `the newest ${req.type} attestation fails its conditions: ${problems.join('; ')}` },
  );
}

/**
 * Decide whether `imageRef` may run under `policy`. `store` is the image's
 * repository. Registry outages propagate as their typed errors (the caller
 * chooses fail-open or fail-closed); everything else is in the reasons.
 */
export async function evaluatePolicy(policy: TrustPolicy, imageRef: string, store: ArtifactStore, options: EvaluateOptions = {}): Promise<PolicyDecision> {
  const reasons: PolicyReason[] = [];
  const deny = (check: PolicyCheck, message: string): PolicyDecision => ({ allowed: false, reasons: [...reasons, { check, ok: false, message }] });
  const ref = splitReference(imageRef);
  if (!ref) return deny('reference', `"${imageRef.slice(0, 200)}" is not an image reference`);
  if (policy.registries) {
    const trusted = policy.registries.find((g) => globMatch(g, ref.registry));
    if (!trusted) return deny('registry', `registry ${ref.registry} is not trusted (trusted: ${policy.registries.join(', ')})`);
    reasons.push({ check: 'registry', ok: true, message: `registry ${ref.registry} is trusted (${trusted})` });
  }
  const rules = policy.rules.filter((r) => r.repositories.some((g) => globMatch(g, ref.repository)));
  if (rules.length === 0) {
    const message = `no rule covers ${ref.repository}; the policy default is ${policy.default}`;
    return { allowed: policy.default === 'allow', reasons: [...reasons, { check: 'default', ok: policy.default === 'allow', message }] };
  }
  let resolved: { digest?: string; reason?: string };
  try {
    resolved = await resolveDigest(store, ref);
  } catch (e) {
    if (e instanceof BulkheadError && e.code === 'REGISTRY_NOT_FOUND') resolved = { reason: `${ref.repository} does not exist` };
    else throw e;
  }
  if (!resolved.digest) return deny('reference', resolved.reason ?? 'the image cannot be resolved');
  const digest = resolved.digest;
  for (const rule of rules) {
    reasons.push({ check: 'rule', ok: true, rule: rule.name, message: `rule ${rule.name} applies to ${ref.repository}` });
    if (rule.signatures) {
      const s = rule.signatures;
      const result = await verifyImage(store, digest, s.keys, {
        annotations: s.annotations,
        ...(s.identity ? { identity: { mode: s.identity, reference: imageRef } } : {}),
        ...(options.trustedRoot ? { trustedRoot: options.trustedRoot } : {}),
      });
      reasons.push({ check: 'signature', ok: result.verified, rule: rule.name, message: result.verified ? result.summary : `not signed by ${keyList(s.keys)}: ${result.summary}` });
    }
    for (const req of rule.attestations) await checkAttestation(store, digest, rule, req, options, reasons);
  }
  return { allowed: reasons.every((r) => r.ok), digest, reasons };
}

/** For the CLI and admission: a denial becomes VERIFICATION_FAILED (exit 1) listing the failed checks. */
export function assertPolicyAllowed(decision: PolicyDecision, imageRef: string, policySource: string): void {
  if (decision.allowed) return;
  const failed = decision.reasons.filter((r) => !r.ok).map((r) => (r.rule ? `${r.rule}: ${r.message}` : r.message));
  throw new BulkheadError('VERIFICATION_FAILED', `policy denies ${imageRef}: ${failed.join('; ')}`, { where: policySource, hint: 'sign or attest the image as the policy requires, or change the policy' });
}
