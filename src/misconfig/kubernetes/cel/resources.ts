/**
 * Kinds to API resources: the group, version, plural resource name and scope
 * of an object, as the API server would route a request for it. Built-in
 * kinds come from a table; custom resources from CustomResourceDefinitions in
 * the inputs; anything else is guessed (lowercase plural; namespaced when the
 * object names a namespace) and marked as a guess.
 */
import { asString, getIn, type K8sObject } from '../input/object.js';

export interface ResourceInfo {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
  /** True when neither the table nor a CRD knew the kind. */
  guessed?: boolean;
}

type Entry = [resource: string, namespaced: boolean];

/** Built-in kinds by group. */
const BUILT_IN: Record<string, Record<string, Entry>> = {
  '': {
    Pod: ['pods', true],
    Service: ['services', true],
    ConfigMap: ['configmaps', true],
    Secret: ['secrets', true],
    ServiceAccount: ['serviceaccounts', true],
    Namespace: ['namespaces', false],
    Node: ['nodes', false],
    PersistentVolume: ['persistentvolumes', false],
    PersistentVolumeClaim: ['persistentvolumeclaims', true],
    ReplicationController: ['replicationcontrollers', true],
    Endpoints: ['endpoints', true],
    Event: ['events', true],
    LimitRange: ['limitranges', true],
    ResourceQuota: ['resourcequotas', true],
    PodTemplate: ['podtemplates', true],
    Binding: ['bindings', true],
    ComponentStatus: ['componentstatuses', false],
  },
  apps: {
    Deployment: ['deployments', true],
    StatefulSet: ['statefulsets', true],
    DaemonSet: ['daemonsets', true],
    ReplicaSet: ['replicasets', true],
    ControllerRevision: ['controllerrevisions', true],
  },
  extensions: {
    Deployment: ['deployments', true],
    DaemonSet: ['daemonsets', true],
    ReplicaSet: ['replicasets', true],
    Ingress: ['ingresses', true],
    NetworkPolicy: ['networkpolicies', true],
  },
  batch: { Job: ['jobs', true], CronJob: ['cronjobs', true] },
  autoscaling: { HorizontalPodAutoscaler: ['horizontalpodautoscalers', true] },
  policy: { PodDisruptionBudget: ['poddisruptionbudgets', true] },
  'networking.k8s.io': { Ingress: ['ingresses', true], IngressClass: ['ingressclasses', false], NetworkPolicy: ['networkpolicies', true] },
  'rbac.authorization.k8s.io': {
    Role: ['roles', true],
    RoleBinding: ['rolebindings', true],
    ClusterRole: ['clusterroles', false],
    ClusterRoleBinding: ['clusterrolebindings', false],
  },
  'storage.k8s.io': {
    StorageClass: ['storageclasses', false],
    CSIDriver: ['csidrivers', false],
    CSINode: ['csinodes', false],
    VolumeAttachment: ['volumeattachments', false],
  },
  'admissionregistration.k8s.io': {
    ValidatingAdmissionPolicy: ['validatingadmissionpolicies', false],
    ValidatingAdmissionPolicyBinding: ['validatingadmissionpolicybindings', false],
    MutatingAdmissionPolicy: ['mutatingadmissionpolicies', false],
    MutatingAdmissionPolicyBinding: ['mutatingadmissionpolicybindings', false],
    ValidatingWebhookConfiguration: ['validatingwebhookconfigurations', false],
    MutatingWebhookConfiguration: ['mutatingwebhookconfigurations', false],
  },
  'apiextensions.k8s.io': { CustomResourceDefinition: ['customresourcedefinitions', false] },
  'apiregistration.k8s.io': { APIService: ['apiservices', false] },
  'scheduling.k8s.io': { PriorityClass: ['priorityclasses', false] },
  'coordination.k8s.io': { Lease: ['leases', true] },
  'discovery.k8s.io': { EndpointSlice: ['endpointslices', true] },
  'node.k8s.io': { RuntimeClass: ['runtimeclasses', false] },
  'certificates.k8s.io': { CertificateSigningRequest: ['certificatesigningrequests', false] },
};

/** Groups that serve the same resource under another name (matchPolicy: Equivalent). */
export const EQUIVALENT_GROUPS: Record<string, Record<string, string[]>> = {
  deployments: { apps: ['extensions'], extensions: ['apps'] },
  daemonsets: { apps: ['extensions'], extensions: ['apps'] },
  replicasets: { apps: ['extensions'], extensions: ['apps'] },
  ingresses: { 'networking.k8s.io': ['extensions'], extensions: ['networking.k8s.io'] },
  networkpolicies: { 'networking.k8s.io': ['extensions'], extensions: ['networking.k8s.io'] },
};

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** A lowercase plural the way most kinds form it (a guess for unknown kinds). */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** Resolves objects to resources, learning custom resources from the CRDs in the inputs. */
export class ResourceIndex {
  private readonly custom = new Map<string, Entry>();

  constructor(objects: Iterable<K8sObject> = []) {
    for (const o of objects) if (o.kind === 'CustomResourceDefinition') this.learn(o);
  }

  private learn(crd: K8sObject): void {
    const group = asString(getIn(crd.data, ['spec', 'group']));
    const kind = asString(getIn(crd.data, ['spec', 'names', 'kind']));
    const plural = asString(getIn(crd.data, ['spec', 'names', 'plural']));
    if (group === undefined || !kind || !plural) return;
    this.custom.set(`${group}/${kind}`, [plural, asString(getIn(crd.data, ['spec', 'scope'])) !== 'Cluster']);
  }

  /** Whether objects of this group/kind are namespaced (undefined when unknown). */
  namespacedKind(group: string, kind: string): boolean | undefined {
    return (BUILT_IN[group]?.[kind] ?? this.custom.get(`${group}/${kind}`))?.[1];
  }

  resourceOf(apiVersion: string, kind: string, namespace?: string): ResourceInfo {
    const { group, version } = splitApiVersion(apiVersion);
    const known = BUILT_IN[group]?.[kind] ?? this.custom.get(`${group}/${kind}`);
    if (known) return { group, version, resource: known[0], namespaced: known[1] };
    return { group, version, resource: guessPlural(kind), namespaced: namespace !== undefined, guessed: true };
  }
}
