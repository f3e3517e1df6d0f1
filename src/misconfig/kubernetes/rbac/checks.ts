/**
 * The RBAC checks: the data half (what `bulkhead checks` lists and
 * docs/checks.md is generated from). Permission risks (001–015) are
 * evaluated on effective permissions per subject, binding risks (016–020)
 * on the bindings themselves, and 030 on the workloads that run with a
 * risky service account. Ids are stable and never reused.
 */
import type { CheckDefinition } from '../../../core/check.js';

const AUTHZ = 'nsa-k8s:authentication-authorization';

function check(id: string, title: string, severity: CheckDefinition['severity'], rationale: string, remediation: string, references: string[]): CheckDefinition {
  return { id, kind: 'kubernetes', title, severity, rationale, remediation, references };
}

export const wildcardCheck = check(
  'BH-RBAC-001',
  'RBAC rule uses wildcards',
  'high',
  'A `*` in verbs, resources or apiGroups grants everything that exists now and every verb, resource or API added later (custom resources included). `*` on all three is cluster-admin. Severity is critical for `*`/`*`/`*` cluster-wide, high for `*` resources or a namespaced full wildcard, medium for `*` verbs, low for `*` apiGroups alone.',
  'List the verbs, resources and API groups the subject needs instead of `*`.',
  ['cis-k8s:5.1.3', 'kubescape:C-0187', 'trivy:KSV044', 'trivy:KSV045', 'trivy:KSV046', AUTHZ],
);

export const secretsReadCheck = check(
  'BH-RBAC-002',
  'Subject can read secrets',
  'high',
  'get, list or watch on secrets reveals every credential in scope, including service account tokens of more privileged accounts. list and watch return the secret data too, not just names. Critical when cluster-wide; one step lower when the rule names specific secrets.',
  'Remove get/list/watch on secrets, or restrict the rule with resourceNames to the secrets the subject needs; mount secrets into the workload that uses them instead of reading them through the API.',
  ['cis-k8s:5.1.2', 'kubescape:C-0015', 'kubescape:C-0186', 'trivy:KSV041', 'mitre-attack:T1552.007', AUTHZ],
);

export const execCheck = check(
  'BH-RBAC-003',
  'Subject can exec into pods',
  'high',
  'pods/exec (create, or get over WebSocket) runs commands in any container in scope, with that container\'s service account token, mounted secrets and host access.',
  'Remove pods/exec from the role; grant it only to break-glass accounts, ideally time-limited.',
  ['kubescape:C-0002', 'trivy:KSV053', 'mitre-attack:T1609', AUTHZ],
);

export const attachCheck = check(
  'BH-RBAC-004',
  'Subject can attach to pods',
  'high',
  'pods/attach connects to the main process of a running container: with a shell or an interactive entrypoint this is the same as exec.',
  'Remove pods/attach from the role.',
  ['trivy:KSV054', 'mitre-attack:T1609', AUTHZ],
);

export const portForwardCheck = check(
  'BH-RBAC-005',
  'Subject can port-forward to pods',
  'medium',
  'pods/portforward opens a tunnel to any port of any pod in scope, bypassing NetworkPolicies and Services (admin ports, databases, debug endpoints).',
  'Remove pods/portforward from the role, or limit it to a namespace holding only the workloads that need it.',
  ['kubescape:C-0063', AUTHZ],
);

export const workloadWriteCheck = check(
  'BH-RBAC-006',
  'Subject can create or modify pods or workloads',
  'high',
  'Whoever creates a pod (directly or through a Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob or ReplicationController) chooses its image, service account and volumes: it can mount any service account token and secret in the namespace and, unless admission forbids it, run privileged on the node. Updating a workload\'s pod template does the same.',
  'Grant workload create/update/patch only to deployment pipelines, and enforce Pod Security admission (restricted) in the namespaces they deploy to.',
  ['cis-k8s:5.1.4', 'kubescape:C-0188', 'trivy:KSV048', 'mitre-attack:T1610', AUTHZ],
);

export const escalateCheck = check(
  'BH-RBAC-007',
  'Subject can escalate roles',
  'high',
  'The escalate verb on roles or clusterroles lets a subject write rules granting permissions it does not hold, bypassing RBAC\'s privilege-escalation prevention. Critical when cluster-wide.',
  'Remove the escalate verb; RBAC administrators who need it should be few and audited.',
  ['cis-k8s:5.1.8', 'kubescape:C-0191', 'trivy:KSV050', 'mitre-attack:T1098.006', AUTHZ],
);

export const bindCheck = check(
  'BH-RBAC-008',
  'Subject can bind roles',
  'high',
  'The bind verb on roles or clusterroles lets a subject create bindings to roles more powerful than its own (bind to cluster-admin is cluster-admin). Critical when cluster-wide or when the named roles include cluster-admin; medium when limited by resourceNames to other roles.',
  'Remove the bind verb, or restrict it with resourceNames to the specific low-privilege roles the subject may hand out.',
  ['cis-k8s:5.1.8', 'kubescape:C-0191', 'trivy:KSV050', 'mitre-attack:T1098.006', AUTHZ],
);

export const impersonateCheck = check(
  'BH-RBAC-009',
  'Subject can impersonate users, groups or service accounts',
  'high',
  'impersonate lets a subject act as another identity; impersonating a user or group (for example system:masters) cluster-wide is cluster-admin. Critical for users or groups, high for service accounts, one step lower when limited to named identities.',
  'Remove impersonate, or restrict it with resourceNames to specific low-privilege identities.',
  ['cis-k8s:5.1.8', 'kubescape:C-0065', 'kubescape:C-0191', AUTHZ],
);

export const nodeProxyCheck = check(
  'BH-RBAC-010',
  'Subject can use the nodes/proxy subresource',
  'high',
  'nodes/proxy reaches the kubelet API of every node: running commands in any pod on the node, past API-server audit logging and admission control.',
  'Remove nodes/proxy; monitoring agents usually need only nodes/metrics or nodes/stats.',
  ['cis-k8s:5.1.10', 'kubescape:C-0279', 'trivy:KSV047', AUTHZ],
);

export const tokenCreateCheck = check(
  'BH-RBAC-011',
  'Subject can create service account tokens',
  'high',
  'create on serviceaccounts/token mints a token for any service account in scope, acquiring its permissions, with a lifetime the caller chooses.',
  'Remove create on serviceaccounts/token, or restrict it with resourceNames to specific service accounts.',
  ['cis-k8s:5.1.13', 'kubescape:C-0282', 'mitre-attack:T1528', AUTHZ],
);

export const csrApprovalCheck = check(
  'BH-RBAC-012',
  'Subject can approve certificate signing requests',
  'high',
  'update on certificatesigningrequests/approval plus approve on a signer lets a subject approve its own CSR for a client certificate naming any user or group (system:masters included), a credential that cannot be revoked. Medium when the input shows no approve on signers.',
  'Remove update on certificatesigningrequests/approval and approve on signers from everything but the CSR approver controller.',
  ['cis-k8s:5.1.11', 'kubescape:C-0280', 'mitre-attack:T1649', AUTHZ],
);

export const webhookCheck = check(
  'BH-RBAC-013',
  'Subject can change admission webhook configurations',
  'high',
  'Changing validating or mutating webhook configurations disables admission policy or sends every object (secrets included) to a webhook the subject controls, which can also mutate pods as they are created.',
  'Remove create/update/patch/delete on validatingwebhookconfigurations and mutatingwebhookconfigurations from everything but the components that own them.',
  ['cis-k8s:5.1.12', 'kubescape:C-0281', 'trivy:KSV114', AUTHZ],
);

export const pvCreateCheck = check(
  'BH-RBAC-014',
  'Subject can create PersistentVolumes',
  'medium',
  'A PersistentVolume can be a hostPath volume: whoever creates one and a claim that binds it mounts any directory of the node, even where Pod Security forbids hostPath in pods.',
  'Leave PersistentVolume creation to storage provisioners; users create PersistentVolumeClaims.',
  ['cis-k8s:5.1.9', 'kubescape:C-0278', 'mitre-attack:T1611', AUTHZ],
);

export const eventsDeleteCheck = check(
  'BH-RBAC-015',
  'Subject can delete events',
  'medium',
  'Deleting Kubernetes events (core or events.k8s.io) removes the evidence of what happened in the cluster (failed pods, image pulls, evictions) before anyone looks.',
  'Remove delete and deletecollection on events; ship events to external storage.',
  ['kubescape:C-0031', 'mitre-attack:T1070', 'nsa-k8s:audit-logging'],
);

export const clusterAdminCheck = check(
  'BH-RBAC-016',
  'Binding grants cluster-admin',
  'high',
  'cluster-admin can do anything on any resource in every namespace; every subject bound to it (and every workload running as such a service account) is a full cluster compromise when compromised.',
  'Bind a role with only the permissions needed; keep cluster-admin for break-glass accounts. RoleBindings to cluster-admin are limited to their namespace but still grant full control there.',
  ['cis-k8s:5.1.1', 'kubescape:C-0035', 'kubescape:C-0185', 'trivy:KSV111', 'mitre-attack:T1078', AUTHZ],
);

export const anonymousBindingCheck = check(
  'BH-RBAC-017',
  'Binding grants permissions to anonymous users',
  'critical',
  'Subjects system:anonymous and system:unauthenticated are every request without credentials: anything bound to them is open to anyone who reaches the API server. Only the default discovery, health and version roles are expected.',
  'Delete the binding (or remove those subjects), and disable anonymous authentication where possible (--anonymous-auth=false or an AuthenticationConfiguration anonymous section limited to health endpoints).',
  ['kubescape:C-0262', 'trivy:KSV122', AUTHZ],
);

export const authenticatedBindingCheck = check(
  'BH-RBAC-018',
  'Binding grants permissions to every authenticated user or service account',
  'high',
  'Group system:authenticated is every user and every service account of every namespace; system:serviceaccounts is every service account. A binding to them gives its permissions to any workload that is compromised. Medium for system:serviceaccounts.',
  'Bind specific users, groups or service accounts instead.',
  ['kubescape:C-0265', AUTHZ],
);

export const defaultServiceAccountCheck = check(
  'BH-RBAC-019',
  'Default service account is bound to a role',
  'medium',
  'Every pod that names no service account runs as `default`; permissions given to it reach every such pod in the namespace, including ones added later.',
  'Create a dedicated service account for the workload that needs the permissions and bind that instead; leave `default` without bindings (and with automountServiceAccountToken: false).',
  ['cis-k8s:5.1.5', 'kubescape:C-0189', 'mitre-attack:T1078.001', AUTHZ],
);

export const missingRoleCheck = check(
  'BH-RBAC-020',
  'Binding refers to a role that does not exist',
  'info',
  'The roleRef names a Role or ClusterRole that is not in the input and is not a built-in default role. The binding grants nothing now, but whoever later creates a role with that name grants it to the binding\'s subjects. Also reported: roleRefs the API server rejects.',
  'Create the role with the intended rules, or delete the binding.',
  [AUTHZ],
);

export const workloadBlastRadiusCheck = check(
  'BH-RBAC-030',
  'Workload runs with a service account that has risky permissions',
  'high',
  'A workload with a mounted service account token carries that account\'s permissions (including what its implicit groups are bound to): compromising the container gives the attacker them. Severity follows the permission.',
  'Give the workload a dedicated service account with only what it needs, or set automountServiceAccountToken: false when it does not call the API.',
  ['cis-k8s:5.1.6', 'kubescape:C-0053', 'kubescape:C-0190', 'mitre-attack:T1528', AUTHZ],
);

export const rbacChecks: CheckDefinition[] = [
  wildcardCheck,
  secretsReadCheck,
  execCheck,
  attachCheck,
  portForwardCheck,
  workloadWriteCheck,
  escalateCheck,
  bindCheck,
  impersonateCheck,
  nodeProxyCheck,
  tokenCreateCheck,
  csrApprovalCheck,
  webhookCheck,
  pvCreateCheck,
  eventsDeleteCheck,
  clusterAdminCheck,
  anonymousBindingCheck,
  authenticatedBindingCheck,
  defaultServiceAccountCheck,
  missingRoleCheck,
  workloadBlastRadiusCheck,
];
