/**
 * Pod security over a whole manifest set, the way `bulkhead k8s` reports it:
 * each pod (or workload template) is evaluated at its namespace's enforce
 * level and version when the namespace has PodSecurity labels, else at the
 * scan's `--pss-level`/`--pss-version`; labelled namespaces also get the API
 * server's verdicts (rejected, warned, audited). `ran` counts how many pods
 * each check was applied to, in the shape the compliance summary takes.
 */
import type { CheckDefinition } from '../../../core/check.js';
import type { Finding } from '../../../core/types.js';
import type { K8sObject } from '../input/object.js';
import { podOf, type PodView } from '../input/pod.js';
import { pssCheckDefinition } from './definitions.js';
import { evaluatePod } from './evaluate.js';
import { findingsOfResults } from './findings.js';
import { admissionVerdicts, namespacePolicies, pssLevelFor, type AdmissionOptions, type AdmissionVerdicts, type LevelVersion, type PolicyDefaults } from './namespace.js';
import type { PssCheckId, PssCheckResult } from './types.js';
import { formatLevelVersion } from './version.js';

export interface PodSecurityScanOptions extends LevelVersion, AdmissionOptions {
  /** AdmissionConfiguration defaults for unlabelled modes (privileged:latest when absent). */
  defaults?: PolicyDefaults;
}

export interface PodSecurityResult {
  pod: PodView;
  evaluatedAt: LevelVersion & { source: 'namespace' | 'flags' };
  results: PssCheckResult[];
  findings: Finding[];
  /** Present when the pod's namespace is among the inputs and has PodSecurity labels. */
  verdicts?: AdmissionVerdicts;
}

export interface PodSecurityScan {
  pods: PodSecurityResult[];
  findings: Finding[];
  /** Checks that ran, with the number of pods each was applied to (for complianceReport). */
  ran: Array<{ check: CheckDefinition; evaluated: number }>;
  /** Invalid PodSecurity labels, by namespace. */
  namespaceErrors: Array<{ namespace: string; errors: string[] }>;
}

/** Evaluate every pod among `objects`. Namespace objects anywhere in `objects` are taken into account. */
export function scanPodSecurity(objects: readonly K8sObject[], options: PodSecurityScanOptions): PodSecurityScan {
  const policies = namespacePolicies(objects, options.defaults);
  const counts = new Map<PssCheckId, number>();
  const scan: PodSecurityScan = { pods: [], findings: [], ran: [], namespaceErrors: [] };
  for (const [namespace, p] of policies) if (p.errors.length) scan.namespaceErrors.push({ namespace, errors: p.errors });
  for (const object of objects) {
    const pod = podOf(object);
    if (!pod) continue;
    const at = pssLevelFor(pod, policies, { level: options.level, version: options.version });
    const results = evaluatePod(pod, at.level, at.version);
    for (const r of results) counts.set(r.checkId, (counts.get(r.checkId) ?? 0) + 1);
    const findings = findingsOfResults(pod, results, formatLevelVersion(at.level, at.version));
    const entry: PodSecurityResult = { pod, evaluatedAt: at, results, findings };
    const nsPolicy = policies.get(pod.namespace);
    if (nsPolicy?.labelled.length) entry.verdicts = admissionVerdicts(pod, nsPolicy, options);
    scan.pods.push(entry);
    scan.findings.push(...findings);
  }
  for (const [id, evaluated] of counts) scan.ran.push({ check: pssCheckDefinition(id), evaluated });
  return scan;
}
