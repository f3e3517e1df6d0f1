/**
 * One call for `bulkhead k8s rbac`: build the model once, then the
 * per-subject findings and the workload blast radius.
 */
import type { K8sObject } from '../input/index.js';
import { blastRadius } from './blast-radius.js';
import { rbacFindings, type RbacFinding, type RbacFindingOptions } from './findings.js';
import type { RbacProblem } from './model.js';
import { buildRbac, type Rbac } from './resolve.js';

export interface RbacAnalysis {
  rbac: Rbac;
  findings: RbacFinding[];
  /** Objects or fields that could not be used (file:line and why); show them beside the findings. */
  problems: RbacProblem[];
}

export function analyzeRbac(objects: Iterable<K8sObject>, options: RbacFindingOptions = {}): RbacAnalysis {
  const list = [...objects];
  const rbac = buildRbac(list);
  const findings = [...rbacFindings(rbac, options), ...blastRadius(list, rbac)];
  return { rbac, findings, problems: rbac.model.problems };
}
