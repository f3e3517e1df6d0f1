/**
 * What a request is about: the object as the Kubernetes checks see it
 * (K8sObject, PodView), its images, and the namespace's labels.
 */
import type { K8sObjectRef } from '../../core/types.js';
import {
  asObject,
  asString,
  asStringMap,
  containersOf,
  getIn,
  podOf,
  refOf,
  WORKLOAD_KINDS,
  type JsonObject,
  type K8sObject,
  type PodView,
} from '../../misconfig/kubernetes/input/index.js';
import type { AdmissionRequest } from './review.js';

export interface Subject {
  object: K8sObject;
  pod: PodView;
  /** Distinct image references of every container (init, regular, ephemeral). */
  images: string[];
  namespace: string;
  /** Labels of the namespace when the request carried its Namespace object. */
  namespaceLabels?: Record<string, string>;
}

/** A K8sObject for request data; the namespace comes from the request when the object leaves it out (as kubectl does). */
export function objectOf(data: JsonObject, namespace: string | undefined, file: string): K8sObject | undefined {
  const apiVersion = asString(data['apiVersion']);
  const kind = asString(data['kind']);
  if (!apiVersion || !kind) return undefined;
  const metadata = asObject(data['metadata']) ?? {};
  const ns = asString(metadata['namespace']) ?? namespace;
  const withNs: JsonObject = ns !== undefined && metadata['namespace'] !== ns ? { ...data, metadata: { ...metadata, namespace: ns } } : data;
  const generateName = asString(metadata['generateName']);
  const name = asString(metadata['name']) ?? (generateName ? `${generateName}*` : '<unnamed>');
  const ref: K8sObjectRef = refOf(apiVersion, kind, name, ns);
  const range = { startLine: 1, endLine: 1 };
  return { apiVersion, kind, name, ...(ns !== undefined ? { namespace: ns } : {}), data: withNs, file, range, locate: () => range, ref };
}

/** The subject of a request, or undefined when it is not a Pod or a workload with a pod template. */
export function subjectOf(request: AdmissionRequest): Subject | undefined {
  const data = request.object;
  if (!data) return undefined;
  const object = objectOf(data, request.namespace, `admission:${request.uid}`);
  if (!object || !WORKLOAD_KINDS.has(object.kind)) return undefined;
  const pod = podOf(object);
  if (!pod) return undefined;
  const images = [...new Set(containersOf(pod).flatMap((c) => (typeof c.data['image'] === 'string' && c.data['image'] ? [c.data['image']] : [])))];
  const nsObject = request.namespaceObject;
  const labels = nsObject ? asStringMap(getIn(nsObject, ['metadata', 'labels'])) : undefined;
  return { object, pod, images, namespace: pod.namespace, ...(labels ? { namespaceLabels: labels } : {}) };
}

/** True when an UPDATE leaves the pod spec (and pod metadata) as it was: nothing new to judge. */
export function podUnchanged(request: AdmissionRequest, subject: Subject): boolean {
  if (request.operation !== 'UPDATE' || !request.oldObject) return false;
  const old = objectOf(request.oldObject, request.namespace, 'old');
  const oldPod = old && podOf(old);
  if (!oldPod) return false;
  // Pod Security admission ignores updates of a Pod's metadata; for templates, metadata changes roll pods, so compare both.
  if (subject.object.kind === 'Pod') return stableJson(oldPod.spec) === stableJson(subject.pod.spec);
  return stableJson(oldPod.spec) === stableJson(subject.pod.spec) && stableJson(oldPod.metadata) === stableJson(subject.pod.metadata);
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val as JsonObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : val,
  );
}
