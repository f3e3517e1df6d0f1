/**
 * Pod Security Admission as the API server applies it: the namespace labels
 * `pod-security.kubernetes.io/{enforce,warn,audit}[-version]` give three
 * level:version policies, and a pod is rejected, warned about or audited
 * against them.
 *
 * Followed upstream (pod-security-admission api.PolicyToEvaluate and
 * admission.EvaluatePod):
 * - an unlabelled mode keeps the default (privileged:latest, the API server's
 *   default AdmissionConfiguration); a `-version` label without a level label
 *   changes only the version;
 * - an invalid enforce level fails closed (restricted); an invalid warn or
 *   audit level fails open (privileged); an invalid version means latest; each
 *   invalid label is reported;
 * - enforce is evaluated only for Pods. Workloads (Deployment, CronJob, …)
 *   are always admitted and only get warn and audit results; we still report
 *   the enforce verdict their pods would get, marked `pods-of-workload`;
 * - a rejected Pod gets no warnings (the request already failed);
 * - exempt runtime classes and namespaces (AdmissionConfiguration
 *   `exemptions`) skip evaluation. Exempt usernames cannot be known offline.
 */
import type { K8sObject } from '../input/object.js';
import { asStringMap, getIn } from '../input/object.js';
import type { PodView } from '../input/pod.js';
import { evaluatePod, forbiddenSummary } from './evaluate.js';
import type { PssCheckResult } from './types.js';
import { formatLevelVersion, isPssLevel, isPssVersion, PSS_LEVELS, type PssLevel, type PssVersion } from './version.js';

export type PssMode = 'enforce' | 'warn' | 'audit';
export const PSS_MODES: readonly PssMode[] = ['enforce', 'warn', 'audit'];
export const PSS_LABEL_PREFIX = 'pod-security.kubernetes.io/';

export interface LevelVersion {
  level: PssLevel;
  version: PssVersion;
}

export interface NamespacePolicy {
  enforce: LevelVersion;
  warn: LevelVersion;
  audit: LevelVersion;
  /** Modes whose level or version came from a label (the rest are defaults). */
  labelled: PssMode[];
  /** Invalid labels, in the API server's words. */
  errors: string[];
}

export type PolicyDefaults = Partial<Record<PssMode, LevelVersion>>;

const PRIVILEGED_LATEST: LevelVersion = { level: 'privileged', version: 'latest' };

/** The policy a namespace's labels give, with `defaults` (privileged:latest) for unlabelled modes. */
export function namespacePolicy(labels: Readonly<Record<string, string>> | undefined, defaults: PolicyDefaults = {}): NamespacePolicy {
  const policy: NamespacePolicy = {
    enforce: { ...(defaults.enforce ?? PRIVILEGED_LATEST) },
    warn: { ...(defaults.warn ?? PRIVILEGED_LATEST) },
    audit: { ...(defaults.audit ?? PRIVILEGED_LATEST) },
    labelled: [],
    errors: [],
  };
  if (!labels) return policy;
  for (const mode of PSS_MODES) {
    const levelKey = `${PSS_LABEL_PREFIX}${mode}`;
    const versionKey = `${levelKey}-version`;
    const level = own(labels, levelKey);
    const version = own(labels, versionKey);
    if (level !== undefined) {
      if (isPssLevel(level)) policy[mode].level = level;
      else {
        policy[mode].level = mode === 'enforce' ? 'restricted' : 'privileged';
        policy.errors.push(`metadata.labels[${levelKey}]: Invalid value: ${JSON.stringify(level)}: must be one of ${PSS_LEVELS.join(', ')}`);
      }
    }
    if (version !== undefined) {
      if (isPssVersion(version)) policy[mode].version = version;
      else {
        policy[mode].version = 'latest';
        policy.errors.push(`metadata.labels[${versionKey}]: Invalid value: ${JSON.stringify(version)}: must be "latest" or "v1.x"`);
      }
    }
    if (level !== undefined || version !== undefined) policy.labelled.push(mode);
  }
  return policy;
}

const own = (m: Readonly<Record<string, string>>, k: string) => (Object.prototype.hasOwnProperty.call(m, k) ? m[k] : undefined);

/** The policy of every Namespace object among `objects`, by namespace name. */
export function namespacePolicies(objects: Iterable<K8sObject>, defaults: PolicyDefaults = {}): Map<string, NamespacePolicy> {
  const out = new Map<string, NamespacePolicy>();
  for (const o of objects) {
    if (o.kind !== 'Namespace' || o.apiVersion !== 'v1') continue;
    out.set(o.name, namespacePolicy(asStringMap(getIn(o.data, ['metadata', 'labels'])), defaults));
  }
  return out;
}

export interface AdmissionOptions {
  /** AdmissionConfiguration `exemptions.runtimeClasses`. */
  exemptRuntimeClasses?: readonly string[];
  /** AdmissionConfiguration `exemptions.namespaces`. */
  exemptNamespaces?: readonly string[];
}

export interface AdmissionVerdicts {
  /** `pod`: the object is a Pod, enforce applies to it. `pods-of-workload`: the object is a workload; the API server admits it, and enforce is what the pods it creates would get. */
  appliesTo: 'pod' | 'pods-of-workload';
  enforce: 'allowed' | 'rejected';
  /** Why a Pod is rejected, as the API server says it (`pods "x" is forbidden: violates PodSecurity "restricted:latest": …`). */
  enforceMessage?: string;
  /** Warnings the client sees when creating the object (`would violate PodSecurity "…": …`). */
  warn: string[];
  /** Values of the `pod-security.kubernetes.io/audit-violations` audit annotation. */
  audit: string[];
  /** Set when evaluation was skipped (`namespace "x" is exempt`, `runtimeClass "y" is exempt`). */
  exempt?: string;
  /** Label errors of the namespace (the API server records them in the audit log). */
  errors: string[];
}

/** What the API server would do with this pod (or workload template) in a namespace with `policy`. */
export function admissionVerdicts(pod: PodView, policy: NamespacePolicy, options: AdmissionOptions = {}): AdmissionVerdicts {
  const appliesTo = pod.object.kind === 'Pod' ? 'pod' : 'pods-of-workload';
  const verdicts: AdmissionVerdicts = { appliesTo, enforce: 'allowed', warn: [], audit: [], errors: [...policy.errors] };
  if (options.exemptNamespaces?.includes(pod.namespace)) return { ...verdicts, exempt: `namespace "${pod.namespace}" is exempt` };
  const runtimeClass = pod.spec['runtimeClassName'];
  if (typeof runtimeClass === 'string' && options.exemptRuntimeClasses?.includes(runtimeClass)) {
    return { ...verdicts, exempt: `runtimeClass "${runtimeClass}" is exempt` };
  }

  const cache = new Map<string, PssCheckResult[]>();
  const failing = (lv: LevelVersion): string | undefined => {
    const key = formatLevelVersion(lv.level, lv.version);
    let results = cache.get(key);
    if (!results) cache.set(key, (results = evaluatePod(pod, lv.level, lv.version)));
    const summary = forbiddenSummary(results);
    return summary || undefined;
  };

  const enforced = failing(policy.enforce);
  if (enforced) {
    verdicts.enforce = 'rejected';
    const violation = `violates PodSecurity "${formatLevelVersion(policy.enforce.level, policy.enforce.version)}": ${enforced}`;
    const name = pod.object.name.endsWith('*') ? pod.object.name.slice(0, -1) : pod.object.name;
    verdicts.enforceMessage =
      appliesTo === 'pod' ? `pods "${name}" is forbidden: ${violation}` : `pods created by ${pod.object.kind} "${name}" would be forbidden: ${violation}`;
  }
  const audited = failing(policy.audit);
  if (audited) verdicts.audit.push(`would violate PodSecurity "${formatLevelVersion(policy.audit.level, policy.audit.version)}": ${audited}`);
  // A rejected Pod gets no warnings; a workload is never rejected by PodSecurity.
  if (appliesTo === 'pods-of-workload' || verdicts.enforce === 'allowed') {
    const warned = failing(policy.warn);
    if (warned) verdicts.warn.push(`would violate PodSecurity "${formatLevelVersion(policy.warn.level, policy.warn.version)}": ${warned}`);
  }
  return verdicts;
}

/**
 * The level and version to report findings at for a pod: its namespace's
 * enforce label when the namespace has one, else the scan's own
 * (`--pss-level`, `--pss-version`).
 */
export function pssLevelFor(
  pod: PodView,
  policies: ReadonlyMap<string, NamespacePolicy>,
  fallback: LevelVersion,
): LevelVersion & { source: 'namespace' | 'flags' } {
  const policy = policies.get(pod.namespace);
  if (policy?.labelled.includes('enforce')) return { ...policy.enforce, source: 'namespace' };
  return { ...fallback, source: 'flags' };
}
