/**
 * A check is data plus a function. This is the data half every check shares
 * (Dockerfile rules, image hardening, secret rules, Kubernetes controls,
 * runtime rules): what `bulkhead checks` lists and docs/checks.md is
 * generated from. The function half lives with each feature.
 */
import type { Finding, Location, Severity } from './types.js';

export type CheckKind = 'dockerfile' | 'image' | 'secret' | 'kubernetes' | 'runtime' | 'registry';

export interface CheckDefinition {
  /** Stable id: `BH-DF-001`, `BH-IMG-001`, `BH-SEC-001`, `BH-K8S-001`. Never reused. */
  id: string;
  kind: CheckKind;
  title: string;
  severity: Severity;
  /** Why it matters, in a sentence or two. */
  rationale: string;
  /** What to do about it. */
  remediation: string;
  /**
   * Standards implemented and equivalent checks in other tools, as
   * `scheme:id`: `cis-docker:4.1`, `nist-800-190:4.4.2`, `nsa-k8s:…`,
   * `mitre-attack:T1552.001`, `hadolint:DL3002`, `trivy:DS002`,
   * `dockle:CIS-DI-0001`, `kubescape:C-0017`, `gitleaks:aws-access-token`.
   */
  references: string[];
}

/** A finding for a check, with the check's own fields filled in. */
export function findingFor(
  check: CheckDefinition,
  location: Location,
  extra: Partial<Pick<Finding, 'title' | 'evidence' | 'severity' | 'remediation' | 'suppressedBy'>> = {},
): Finding {
  const kind = check.kind === 'secret' ? 'secret' : check.kind === 'runtime' ? 'runtime' : 'misconfiguration';
  const finding: Finding = {
    kind,
    id: check.id,
    title: extra.title ?? check.title,
    severity: extra.severity ?? check.severity,
    location,
    references: check.references,
    remediation: extra.remediation ?? check.remediation,
  };
  if (extra.evidence !== undefined) finding.evidence = extra.evidence;
  if (extra.suppressedBy) finding.suppressedBy = extra.suppressedBy;
  return finding;
}
