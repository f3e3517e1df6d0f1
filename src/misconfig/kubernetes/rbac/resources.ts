/**
 * Well-known API resources: their group and whether they are cluster-scoped.
 * Without a live API server there is no discovery, so who-can questions on
 * these resolve their group from here, and cluster-scoped resources are never
 * granted through a RoleBinding (the request carries no namespace).
 * Resources not listed (custom resources) need `--api-group` or the
 * `resource.group` form.
 */

interface ResourceInfo {
  group: string;
  clusterScoped: boolean;
}

const table = new Map<string, ResourceInfo>();
function add(group: string, clusterScoped: boolean, names: string): void {
  for (const n of names.split(/\s+/).filter(Boolean)) table.set(n, { group, clusterScoped });
}

add('', false, 'pods services secrets configmaps serviceaccounts endpoints events persistentvolumeclaims replicationcontrollers limitranges resourcequotas podtemplates bindings');
add('', true, 'nodes namespaces persistentvolumes componentstatuses');
// Impersonation targets (verb `impersonate`): users and groups have no namespace.
add('', true, 'users groups');
add('authentication.k8s.io', true, 'userextras uids tokenreviews selfsubjectreviews');
add('apps', false, 'deployments daemonsets statefulsets replicasets controllerrevisions');
add('batch', false, 'jobs cronjobs');
add('autoscaling', false, 'horizontalpodautoscalers');
add('policy', false, 'poddisruptionbudgets');
add('networking.k8s.io', false, 'networkpolicies ingresses');
add('networking.k8s.io', true, 'ingressclasses ipaddresses servicecidrs');
add('rbac.authorization.k8s.io', false, 'roles rolebindings');
add('rbac.authorization.k8s.io', true, 'clusterroles clusterrolebindings');
add('admissionregistration.k8s.io', true, 'validatingwebhookconfigurations mutatingwebhookconfigurations validatingadmissionpolicies validatingadmissionpolicybindings mutatingadmissionpolicies mutatingadmissionpolicybindings');
add('certificates.k8s.io', true, 'certificatesigningrequests signers clustertrustbundles');
add('apiextensions.k8s.io', true, 'customresourcedefinitions');
add('apiregistration.k8s.io', true, 'apiservices');
add('storage.k8s.io', true, 'storageclasses csidrivers csinodes volumeattachments volumeattributesclasses');
add('storage.k8s.io', false, 'csistoragecapacities');
add('scheduling.k8s.io', true, 'priorityclasses');
add('node.k8s.io', true, 'runtimeclasses');
add('coordination.k8s.io', false, 'leases');
add('discovery.k8s.io', false, 'endpointslices');
add('authorization.k8s.io', true, 'subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews');
add('authorization.k8s.io', false, 'localsubjectaccessreviews');
add('flowcontrol.apiserver.k8s.io', true, 'flowschemas prioritylevelconfigurations');

export function resourceInfo(resource: string): ResourceInfo | undefined {
  return table.get(resource);
}

/**
 * Whether a request on this resource carries no namespace. `bind` on
 * clusterroles is the exception: creating a RoleBinding to a ClusterRole is
 * checked as `bind clusterroles/<name>` in the binding's namespace.
 */
export function isClusterScoped(resource: string, verb?: string): boolean {
  if (verb === 'bind' && resource === 'clusterroles') return false;
  return table.get(resource)?.clusterScoped ?? false;
}
