/**
 * What the workload checks of one pod share: the object, its pod view, and
 * the pod-level facts container checks depend on (Windows, job-like,
 * hostPID, hostNetwork, pod security context).
 */
import { findingFor, type CheckDefinition } from '../../../core/check.js';
import type { Finding } from '../../../core/types.js';
import { asObject, isObject, locationOf, type FieldPath, type JsonObject, type K8sObject } from '../input/object.js';
import type { ContainerView, PodView } from '../input/pod.js';

export interface WorkloadOptions {
  /**
   * ServiceAccounts (`namespace/name`) whose own `automountServiceAccountToken`
   * is false: pods using them get no token unless they ask, so BH-K8S-004
   * stays quiet. Collect them with `serviceAccountWithoutAutomount`.
   */
  automountDisabledServiceAccounts?: ReadonlySet<string>;
}

export interface PodContext {
  obj: K8sObject;
  pod: PodView;
  options: WorkloadOptions;
  out: Finding[];
  /** `spec.os.name: windows`: Linux-only settings (capabilities, UIDs, read-only root) do not apply. */
  windows: boolean;
  /** Runs to completion (Job, CronJob, or a bare Pod with restartPolicy Never/OnFailure): no probes expected. */
  jobLike: boolean;
  hostPID: boolean;
  hostNetwork: boolean;
  podSecurityContext: JsonObject;
}

const JOB_KINDS = new Set(['Job', 'CronJob']);

export function podContext(obj: K8sObject, pod: PodView, options: WorkloadOptions, out: Finding[]): PodContext {
  const spec = pod.spec;
  const os = asObject(spec['os']);
  const restartPolicy = spec['restartPolicy'];
  return {
    obj,
    pod,
    options,
    out,
    windows: typeof os?.['name'] === 'string' && os['name'].toLowerCase() === 'windows',
    jobLike: JOB_KINDS.has(obj.kind) || (obj.kind === 'Pod' && (restartPolicy === 'Never' || restartPolicy === 'OnFailure')),
    hostPID: spec['hostPID'] === true,
    hostNetwork: spec['hostNetwork'] === true,
    podSecurityContext: asObject(spec['securityContext']) ?? {},
  };
}

export function report(ctx: Pick<PodContext, 'obj' | 'out'>, check: CheckDefinition, path: FieldPath, evidence: string, extra: { title?: string; severity?: Finding['severity'] } = {}): void {
  ctx.out.push(findingFor(check, locationOf(ctx.obj, path), { evidence, ...extra }));
}

export const securityContextOf = (c: ContainerView): JsonObject => asObject(c.data['securityContext']) ?? {};

/** `container "app"`, `init container "setup"`, `ephemeral container "debug"`. */
export function describeContainer(c: ContainerView): string {
  const kind = c.kind === 'initContainers' ? 'init container' : c.kind === 'ephemeralContainers' ? 'ephemeral container' : 'container';
  return `${kind} "${c.name.slice(0, 128)}"`;
}

/** Short, single-line rendering of a value for evidence. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.length} item${v.length === 1 ? '' : 's'}]`;
  return isObject(v) ? '{…}' : 'unset';
}
