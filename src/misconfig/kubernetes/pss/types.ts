/**
 * The shape of a Pod Security Standards check: an id, the level it belongs
 * to, and one implementation per policy version where its behaviour changed
 * (the newest implementation whose `minimumVersion` is at most the evaluated
 * version runs). Restricted checks may override baseline checks: from the
 * restricted check's first version on, the baseline check is skipped at the
 * restricted level.
 */
import type { FieldPath } from '../input/object.js';
import type { PodContext } from './context.js';

export const PSS_CHECK_IDS = [
  // baseline
  'hostNamespaces',
  'privileged',
  'capabilities_baseline',
  'hostPathVolumes',
  'hostPorts',
  'appArmorProfile',
  'seLinuxOptions',
  'procMount',
  'seccompProfile_baseline',
  'sysctls',
  'windowsHostProcess',
  'hostProbesAndHostLifecycle',
  // restricted
  'restrictedVolumes',
  'allowPrivilegeEscalation',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
  'capabilities_restricted',
  'procMount_restricted',
] as const;

export type PssCheckId = (typeof PSS_CHECK_IDS)[number];
export type PssCheckLevel = 'baseline' | 'restricted';

/** One place in the object that makes a check fail, and who it is (`pod`, `container "app"`, `volume "data"`, …). */
export interface PssFault {
  path: FieldPath;
  subject: string;
}

/** What a failing check says: the exact upstream reason, a detail in upstream's style, and the faulty fields. */
export interface PssViolation {
  forbiddenReason: string;
  forbiddenDetail: string;
  faults: PssFault[];
}

export type PssCheckFn = (pod: PodContext) => PssViolation | undefined;

export interface VersionedPssCheck {
  /** First minor version (v1.N) this implementation applies to. */
  minimumVersion: number;
  check: PssCheckFn;
}

export interface PssCheck {
  id: PssCheckId;
  level: PssCheckLevel;
  /** Baseline checks skipped at the restricted level wherever this check runs. */
  overrides?: PssCheckId[];
  /** Strictly increasing minimum versions. */
  versions: VersionedPssCheck[];
}

/** The outcome of one check that ran on one pod. */
export interface PssCheckResult {
  checkId: PssCheckId;
  level: PssCheckLevel;
  /** The minimum version of the implementation that ran. */
  implementation: number;
  allowed: boolean;
  /** Set when not allowed: the exact string the API server prints. */
  forbiddenReason?: string;
  /** Set when not allowed, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`. */
  forbiddenDetail?: string;
  /** Paths inside the object (through the pod's specPath / container paths) that are at fault; empty when allowed. */
  faults: PssFault[];
}
