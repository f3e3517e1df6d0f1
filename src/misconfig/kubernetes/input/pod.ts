/**
 * The pod inside a workload: a Pod itself, or the pod template of a
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 * ReplicationController or PodTemplate. Checks written for pods run on every
 * workload through this, with field paths that point into the real object.
 */
import { asArray, asObject, asString, asStringMap, getIn, type FieldPath, type JsonObject, type K8sObject } from './object.js';

export interface PodView {
  object: K8sObject;
  /** Path of the pod's metadata inside the object (may not exist). */
  metadataPath: FieldPath;
  /** Path of the pod spec inside the object. */
  specPath: FieldPath;
  metadata: JsonObject;
  spec: JsonObject;
  /** The namespace the pod would run in (object namespace, else `default`). */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const TEMPLATE_PATHS: Record<string, FieldPath> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
  // Argo Rollouts and OpenShift DeploymentConfigs carry the same template.
  Rollout: ['spec', 'template'],
  DeploymentConfig: ['spec', 'template'],
};

export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(Object.keys(TEMPLATE_PATHS));

export function podOf(object: K8sObject): PodView | undefined {
  const base = TEMPLATE_PATHS[object.kind];
  if (!base) return undefined;
  const spec = asObject(getIn(object.data, [...base, 'spec']));
  if (!spec) return undefined;
  const metadata = asObject(getIn(object.data, [...base, 'metadata'])) ?? {};
  return {
    object,
    metadataPath: [...base, 'metadata'],
    specPath: [...base, 'spec'],
    metadata,
    spec,
    namespace: object.namespace ?? 'default',
    labels: asStringMap(metadata['labels']),
    annotations: asStringMap(metadata['annotations']),
  };
}

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface ContainerView {
  kind: ContainerKind;
  index: number;
  name: string;
  data: JsonObject;
  /** Path of the container inside the object. */
  path: FieldPath;
}

/** All containers of a pod: init, regular and ephemeral, in that order. */
export function containersOf(pod: PodView): ContainerView[] {
  const out: ContainerView[] = [];
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    asArray(pod.spec[kind]).forEach((c, index) => {
      const data = asObject(c);
      if (!data) return;
      out.push({ kind, index, name: asString(data['name']) ?? `#${index}`, data, path: [...pod.specPath, kind, index] });
    });
  }
  return out;
}
