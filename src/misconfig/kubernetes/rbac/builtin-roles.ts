/**
 * The default ClusterRoles every cluster has (bootstrap policy), used only
 * when the input does not define a role of the same name: a manifest set
 * that binds `edit` or `cluster-admin` without shipping them still resolves.
 * The tables keep what matters for risk (secrets, exec/attach/portforward,
 * workload writes, token requests, impersonation, RBAC writes) and the
 * aggregation labels, so `admin` ⊇ `edit` ⊇ `view` and roles in the input
 * labelled `aggregate-to-*` join them as on a real cluster. Status
 * subresources and other harmless reads are abbreviated.
 */
import { parseSelector, type Selector } from '../input/selector.js';
import type { PolicyRule } from './model.js';

export interface BuiltinClusterRole {
  name: string;
  labels: Record<string, string>;
  rules: PolicyRule[];
  aggregationSelectors?: Selector[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const AGG = 'rbac.authorization.k8s.io/aggregate-to-';
const DEFAULTS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

function rule(verbs: string[], group: string, resources: string): PolicyRule {
  return { verbs, apiGroups: [group], resources: resources.split(' '), resourceNames: [], nonResourceURLs: [] };
}
function urls(verbs: string[], list: string): PolicyRule {
  return { verbs, apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: list.split(' ') };
}
const aggregate = (to: string): Selector[] => [parseSelector({ matchLabels: { [`${AGG}${to}`]: 'true' } }).selector];

export const BUILTIN_CLUSTER_ROLES: readonly BuiltinClusterRole[] = [
  {
    name: 'cluster-admin',
    labels: DEFAULTS,
    rules: [rule(['*'], '*', '*'), urls(['*'], '*')],
  },
  { name: 'admin', labels: DEFAULTS, rules: [], aggregationSelectors: aggregate('admin') },
  { name: 'edit', labels: { ...DEFAULTS, [`${AGG}admin`]: 'true' }, rules: [], aggregationSelectors: aggregate('edit') },
  { name: 'view', labels: { ...DEFAULTS, [`${AGG}edit`]: 'true' }, rules: [], aggregationSelectors: aggregate('view') },
  {
    name: 'system:aggregate-to-admin',
    labels: { ...DEFAULTS, [`${AGG}admin`]: 'true' },
    rules: [rule(['create'], 'authorization.k8s.io', 'localsubjectaccessreviews'), rule([...READ, ...WRITE], 'rbac.authorization.k8s.io', 'roles rolebindings')],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { ...DEFAULTS, [`${AGG}edit`]: 'true' },
    rules: [
      rule(READ, '', 'pods/attach pods/proxy pods/exec pods/portforward secrets services/proxy'),
      rule(['impersonate'], '', 'serviceaccounts'),
      rule(WRITE, '', 'pods pods/attach pods/proxy pods/exec pods/portforward'),
      rule(['create'], '', 'pods/eviction'),
      rule(WRITE, '', 'replicationcontrollers replicationcontrollers/scale serviceaccounts services services/proxy persistentvolumeclaims configmaps secrets'),
      rule(['create'], '', 'serviceaccounts/token'),
      rule(WRITE, 'apps', 'statefulsets statefulsets/scale daemonsets deployments deployments/scale deployments/rollback replicasets replicasets/scale'),
      rule(WRITE, 'autoscaling', 'horizontalpodautoscalers'),
      rule(WRITE, 'batch', 'jobs cronjobs'),
      rule(WRITE, 'policy', 'poddisruptionbudgets'),
      rule(WRITE, 'networking.k8s.io', 'networkpolicies ingresses'),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: { ...DEFAULTS, [`${AGG}view`]: 'true' },
    rules: [
      rule(READ, '', 'pods replicationcontrollers replicationcontrollers/scale serviceaccounts services endpoints persistentvolumeclaims configmaps'),
      rule(READ, '', 'limitranges resourcequotas bindings events pods/status pods/log namespaces'),
      rule(READ, 'discovery.k8s.io', 'endpointslices'),
      rule(READ, 'apps', 'controllerrevisions statefulsets statefulsets/scale daemonsets deployments deployments/scale replicasets replicasets/scale'),
      rule(READ, 'autoscaling', 'horizontalpodautoscalers'),
      rule(READ, 'batch', 'jobs cronjobs'),
      rule(READ, 'policy', 'poddisruptionbudgets'),
      rule(READ, 'networking.k8s.io', 'networkpolicies ingresses'),
    ],
  },
  {
    name: 'system:discovery',
    labels: DEFAULTS,
    rules: [urls(['get'], '/api /api/* /apis /apis/* /healthz /livez /openapi /openapi/* /readyz /version /version/')],
  },
  { name: 'system:basic-user', labels: DEFAULTS, rules: [rule(['create'], 'authorization.k8s.io', 'selfsubjectaccessreviews selfsubjectrulesreviews'), rule(['create'], 'authentication.k8s.io', 'selfsubjectreviews')] },
  { name: 'system:public-info-viewer', labels: DEFAULTS, rules: [urls(['get'], '/healthz /livez /readyz /version /version/')] },
  {
    name: 'system:service-account-issuer-discovery',
    labels: DEFAULTS,
    rules: [urls(['get'], '/.well-known/openid-configuration /.well-known/openid-configuration/ /openid/v1/jwks /openid/v1/jwks/')],
  },
  { name: 'system:auth-delegator', labels: DEFAULTS, rules: [rule(['create'], 'authentication.k8s.io', 'tokenreviews'), rule(['create'], 'authorization.k8s.io', 'subjectaccessreviews')] },
];

/**
 * Default roles that anonymous or all authenticated users are bound to on
 * every cluster; binding those groups to them is expected, not a finding.
 */
export const PUBLIC_DEFAULT_ROLES: ReadonlySet<string> = new Set([
  'system:discovery',
  'system:basic-user',
  'system:public-info-viewer',
  'system:service-account-issuer-discovery',
]);

/** The label every bootstrap-policy role and binding carries. */
export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';
