/**
 * Kubernetes RBAC analysis (BH-RBAC-…): effective permissions of every
 * subject, risky-permission findings with their binding → role → rule
 * chains, the workloads that carry them, and who-can questions.
 */
export { rbacChecks } from './checks.js';
export { analyzeRbac, type RbacAnalysis } from './analyze.js';
export { buildRbacModel, describeBinding, describeRole, type PolicyRule, type RbacBinding, type RbacModel, type RbacProblem, type RbacRole, type RuleSource } from './model.js';
export {
  buildRbac,
  can,
  effectivePermissions,
  knownSubjects,
  permissionsJson,
  resolveAll,
  type EffectivePermissions,
  type Grant,
  type PermissionsJson,
  type Rbac,
} from './resolve.js';
export type { RequestAttributes } from './match.js';
export { rbacFindings, type RbacChainLink, type RbacDetails, type RbacFinding, type RbacFindingOptions } from './findings.js';
export { blastRadius, riskyWorkloads, subjectRisks, workloadIdentities, type WorkloadIdentity } from './blast-radius.js';
export { normalizeQuestion, renderWhoCanText, whoCan, whoCanJson, whoCanReport, type WhoCanAnswer, type WhoCanQuestion, type WhoCanReport } from './who-can.js';
export { describeSubject, implicitGroups, type Subject } from './subjects.js';
export { benchRbac, type RbacBenchResult } from './bench.js';
