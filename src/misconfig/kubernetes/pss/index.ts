/**
 * Pod Security Standards, exactly as the API server's pod-security-admission
 * library evaluates them: every check at every policy version, the overrides,
 * the Windows exemption and the user-namespace relaxation; findings
 * `PSS:<checkId>`; namespace labels and admission verdicts.
 */
export { evaluatePod, pssChecksRun, forbiddenSummary } from './evaluate.js';
export { pssFindings, findingsOfResults } from './findings.js';
export { pssChecks, pssCheckDefinition } from './definitions.js';
export { scanPodSecurity, type PodSecurityScan, type PodSecurityScanOptions, type PodSecurityResult } from './scan.js';
export {
  namespacePolicy,
  namespacePolicies,
  admissionVerdicts,
  pssLevelFor,
  PSS_LABEL_PREFIX,
  PSS_MODES,
  type AdmissionOptions,
  type AdmissionVerdicts,
  type LevelVersion,
  type NamespacePolicy,
  type PolicyDefaults,
  type PssMode,
} from './namespace.js';
export {
  LATEST_PSS_MINOR,
  PSS_LEVELS,
  parsePssLevel,
  parsePssVersion,
  isPssLevel,
  isPssVersion,
  effectiveMinor,
  formatLevelVersion,
  type PssLevel,
  type PssVersion,
} from './version.js';
export { PSS_CHECK_IDS, type PssCheckId, type PssCheckLevel, type PssCheckResult, type PssFault } from './types.js';
