/**
 * Findings of ValidatingAdmissionPolicies: `VAP:<policyName>`, located at the
 * object, with the API server's own text as evidence. Severity follows what
 * the cluster would do: Deny (and configuration errors, which always deny)
 * high, Warn medium, Audit only low.
 */
import type { CheckDefinition } from '../../../core/check.js';
import { findingFor } from '../../../core/check.js';
import type { Finding, Severity } from '../../../core/types.js';
import { asString, getIn, locationOf, type K8sObject } from '../input/object.js';
import { evaluateAdmission, type AdmissionDecision } from './evaluate.js';
import type { AdmissionPolicy, ValidationAction } from './policy.js';

const SEVERITY: Record<ValidationAction, Severity> = { Deny: 'high', Warn: 'medium', Audit: 'low' };
const RANK: Severity[] = ['critical', 'high', 'medium', 'low', 'info', 'unknown'];

export function severityOf(actions: readonly ValidationAction[]): Severity {
  return actions.map((a) => SEVERITY[a]).sort((a, b) => RANK.indexOf(a) - RANK.indexOf(b))[0] ?? 'low';
}

/** A CheckDefinition for a user policy, so it can be listed beside the built-in checks. */
export function vapCheckDefinition(policy: AdmissionPolicy): CheckDefinition {
  const annotation = (k: string) => asString(getIn(policy.object.data, ['metadata', 'annotations', k]));
  const description = annotation('description') ?? annotation('policies.kyverno.io/description') ?? annotation('kubernetes.io/description');
  return {
    id: `VAP:${policy.name}`,
    kind: 'kubernetes',
    title: annotation('title') ?? annotation('policies.kyverno.io/title') ?? `ValidatingAdmissionPolicy ${policy.name}`,
    severity: severityOf(policy.bindings.flatMap((b) => b.validationActions)),
    rationale: description ?? `User policy ${policy.name} (${policy.object.file}:${policy.object.range.startLine}), evaluated as the API server would at admission.`,
    remediation: 'Change the object so that every validation of the policy holds, or change the policy or its binding if the object is legitimate.',
    references: [],
  };
}

function evidenceOf(d: AdmissionDecision): string {
  return d.denial ?? d.warning ?? `audit annotation validation.policy.admission.k8s.io/validation_failure=${d.audit ?? ''}`;
}

/** Findings for every decision of `policies` on `objects`. */
export function evaluatePolicies(policies: readonly AdmissionPolicy[], objects: readonly K8sObject[]): Finding[] {
  return findingsOfDecisions(evaluateAdmission(policies, objects).decisions);
}

export function findingsOfDecisions(decisions: readonly AdmissionDecision[]): Finding[] {
  const checks = new Map<AdmissionPolicy, CheckDefinition>();
  return decisions.map((d) => {
    let check = checks.get(d.policy);
    if (!check) checks.set(d.policy, (check = vapCheckDefinition(d.policy)));
    const title = `${d.policy.name}: ${d.message.length > 160 ? `${d.message.slice(0, 157)}...` : d.message}`;
    const f = findingFor(check, locationOf(d.object), { title, evidence: evidenceOf(d), severity: severityOf(d.actions) });
    return { ...f, kind: 'policy' as const };
  });
}
