/**
 * `workloadFindings(obj)`: every per-object workload check on one object, in
 * a fixed order (object-level, pod-level, then each container). Pure and
 * streaming: nothing is kept between calls. Never throws on hostile input:
 * every field is read through the shape-checking accessors of ../input.
 */
import type { Finding } from '../../../core/types.js';
import type { K8sObject } from '../input/object.js';
import { containersOf, podOf } from '../input/pod.js';
import { containerFindings } from './container-checks.js';
import { podContext, type WorkloadOptions } from './context.js';
import { configMapFindings, ingressFindings, namespaceFindings } from './object-checks.js';
import { podFindings } from './pod-checks.js';

/** Containers looked at per pod; a pod spec with more is hostile or generated. */
const MAX_CONTAINERS = 256;

export function workloadFindings(obj: K8sObject, options: WorkloadOptions = {}): Finding[] {
  const out: Finding[] = [];
  namespaceFindings(obj, out);
  configMapFindings(obj, out);
  ingressFindings(obj, out);
  const pod = podOf(obj);
  if (!pod) return out;
  const ctx = podContext(obj, pod, options, out);
  podFindings(ctx);
  for (const c of containersOf(pod).slice(0, MAX_CONTAINERS)) containerFindings(ctx, c);
  return out;
}
