/**
 * kube-apiserver flags against CIS Kubernetes Benchmark v1.9 section 1.2
 * (and 3.2.1, the audit policy), BH-K8S-100…128.
 *
 * Defaults are the API server's own when a flag is absent: anonymous auth
 * on, authorization AlwaysAllow (when neither --authorization-mode nor
 * --authorization-config is given), profiling on, no audit log, request
 * timeout 60s, service-account lookup on, and the default admission plugin
 * set (NamespaceLifecycle, ServiceAccount, … but not NodeRestriction,
 * EventRateLimit, AlwaysPullImages or DenyServiceExternalIPs).
 */
import type { FlagSet, FlagValue } from './flags.js';
import { cipherRule } from './ciphers.js';
import { boolMust, defineRule, goDurationSeconds, minInt, mustNotSet, mustSet, shown, type Rule, type Violation } from './rule.js';

const C = 'kube-apiserver';

/** Plugins the API server enables when --enable-admission-plugins does not name them (Kubernetes 1.29–1.34). */
export const DEFAULT_ADMISSION_PLUGINS: ReadonlySet<string> = new Set([
  'CertificateApproval',
  'CertificateSigning',
  'CertificateSubjectRestriction',
  'ClusterTrustBundleAttest',
  'DefaultIngressClass',
  'DefaultStorageClass',
  'DefaultTolerationSeconds',
  'LimitRanger',
  'MutatingAdmissionWebhook',
  'NamespaceLifecycle',
  'PersistentVolumeClaimResize',
  'PodSecurity',
  'Priority',
  'ResourceQuota',
  'RuntimeClass',
  'ServiceAccount',
  'StorageObjectInUseProtection',
  'TaintNodesByCondition',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
]);

interface Plugins {
  enabled: Map<string, FlagValue>;
  disabled: Map<string, FlagValue>;
  /** `--admission-control` (removed in 1.x, still seen): the exact list, no defaults. */
  legacy: boolean;
}

function plugins(f: FlagSet): Plugins {
  const enabled = new Map<string, FlagValue>();
  const disabled = new Map<string, FlagValue>();
  const legacy = !f.has('enable-admission-plugins') && f.has('admission-control');
  for (const { item, flag } of f.items(legacy ? 'admission-control' : 'enable-admission-plugins')) enabled.set(item, flag);
  for (const { item, flag } of f.items('disable-admission-plugins')) disabled.set(item, flag);
  return { enabled, disabled, legacy };
}

/** A plugin that must run. */
function pluginOn(f: FlagSet, name: string): Violation | undefined {
  const p = plugins(f);
  const off = p.disabled.get(name);
  if (off) return { evidence: `${shown(off)} disables ${name}`, flag: off };
  if (p.enabled.has(name)) return undefined;
  if (!p.legacy && DEFAULT_ADMISSION_PLUGINS.has(name)) return undefined;
  const list = f.last(p.legacy ? 'admission-control' : 'enable-admission-plugins');
  if (list) return { evidence: `${shown(list)} does not include ${name}${DEFAULT_ADMISSION_PLUGINS.has(name) ? '' : ' (not enabled by default)'}`, flag: list };
  return { evidence: `--enable-admission-plugins is absent and ${name} is not enabled by default` };
}

/** Authorization modes in effect, or undefined when --authorization-config decides (a file not read here). */
function authzModes(f: FlagSet): { modes: string[]; flag?: FlagValue } | undefined {
  if (f.has('authorization-config')) return undefined;
  const items = f.items('authorization-mode');
  if (!items.length) return { modes: ['AlwaysAllow'] };
  return { modes: items.map((i) => i.item), flag: f.last('authorization-mode')! };
}

function authzIncludes(f: FlagSet, mode: string): Violation | undefined {
  const a = authzModes(f);
  if (!a || a.modes.includes(mode)) return undefined;
  return a.flag ? { evidence: `${shown(a.flag)} does not include ${mode}`, flag: a.flag } : { evidence: `--authorization-mode is absent; ${C} defaults to AlwaysAllow` };
}

const apiserverRef = (kubescape?: string, trivy?: string, nsa = 'authentication-authorization'): string[] => [
  `nsa-k8s:${nsa}`,
  ...(kubescape ? [`kubescape:${kubescape}`] : []),
  ...(trivy ? [`trivy:${trivy}`] : []),
];

export const apiserverRules: ReadonlyArray<Rule<FlagSet>> = [
  defineRule({
    id: 'BH-K8S-100',
    cis: '1.2.1',
    title: 'API server accepts anonymous requests',
    severity: 'medium',
    rationale: 'With anonymous auth on, requests that no authenticator claims are served as system:anonymous; any RBAC binding to system:unauthenticated (or a mistake in one) is then open to the network.',
    remediation: 'Set `--anonymous-auth=false` in the kube-apiserver manifest (health checks can use authenticated probes or the /livez endpoints via AuthenticationConfiguration anonymous paths on 1.32+).',
    references: apiserverRef('C-0113', 'KCV0001'),
    evaluate: (f) => boolMust(f, 'anonymous-auth', false, true, C),
  }),
  defineRule({
    id: 'BH-K8S-101',
    cis: '1.2.2',
    title: 'API server uses a static token file',
    severity: 'medium',
    rationale: 'Static tokens live in clear text on the control-plane node, never expire, and can only be changed by restarting the API server.',
    remediation: 'Remove `--token-auth-file`; authenticate users with OIDC or client certificates and workloads with service account tokens.',
    references: apiserverRef('C-0114', 'KCV0002'),
    evaluate: (f) => mustNotSet(f, 'token-auth-file'),
  }),
  defineRule({
    id: 'BH-K8S-102',
    cis: '1.2.3',
    title: 'API server does not deny Service externalIPs',
    severity: 'low',
    rationale: 'Without the DenyServiceExternalIPs admission plugin anyone who can create a Service can set externalIPs and intercept traffic to any address (CVE-2020-8554).',
    remediation: 'Add `DenyServiceExternalIPs` to `--enable-admission-plugins`.',
    references: ['nsa-k8s:network-separation'],
    evaluate: (f) => pluginOn(f, 'DenyServiceExternalIPs'),
  }),
  defineRule({
    id: 'BH-K8S-103',
    cis: '1.2.4',
    title: 'API server has no client certificate for kubelets',
    severity: 'medium',
    rationale: 'Without a client certificate the API server cannot authenticate to kubelets, which must then accept unauthenticated requests for exec, logs and port-forward.',
    remediation: 'Set `--kubelet-client-certificate` and `--kubelet-client-key` (kubeadm: /etc/kubernetes/pki/apiserver-kubelet-client.crt and .key).',
    references: apiserverRef('C-0116', 'KCV0005'),
    evaluate: (f) => mustSet(f, 'kubelet-client-certificate', 'kubelet-client-key'),
  }),
  defineRule({
    id: 'BH-K8S-104',
    cis: '1.2.5',
    title: 'API server does not verify kubelet certificates',
    severity: 'medium',
    rationale: 'Without a CA to check them the API server talks to whatever answers on a node\'s kubelet port: exec sessions and logs can be intercepted by a man in the middle.',
    remediation: 'Set `--kubelet-certificate-authority` to the CA that signs kubelet serving certificates (and enable serving certificate rotation on kubelets).',
    references: apiserverRef('C-0117', 'KCV0006'),
    evaluate: (f) => mustSet(f, 'kubelet-certificate-authority'),
  }),
  defineRule({
    id: 'BH-K8S-105',
    cis: '1.2.6',
    title: 'API server authorizes every request (AlwaysAllow)',
    severity: 'critical',
    rationale: 'With AlwaysAllow every authenticated (and, with anonymous auth, unauthenticated) request may do anything: read every Secret, create privileged pods, take over the cluster.',
    remediation: 'Set `--authorization-mode=Node,RBAC` (never AlwaysAllow).',
    references: apiserverRef('C-0118', 'KCV0007'),
    evaluate: (f) => {
      const a = authzModes(f);
      if (!a || !a.modes.includes('AlwaysAllow')) return undefined;
      return a.flag ? { evidence: `${shown(a.flag)} includes AlwaysAllow`, flag: a.flag } : { evidence: `--authorization-mode is absent; ${C} defaults to AlwaysAllow` };
    },
  }),
  defineRule({
    id: 'BH-K8S-106',
    cis: '1.2.7',
    title: 'API server authorization does not include Node',
    severity: 'medium',
    rationale: 'The Node authorizer limits each kubelet to the objects of its own pods; without it a compromised node reads every Secret RBAC grants to kubelets.',
    remediation: 'Include `Node` in `--authorization-mode` (e.g. `Node,RBAC`) together with the NodeRestriction admission plugin.',
    references: apiserverRef('C-0119', 'KCV0008'),
    evaluate: (f) => authzIncludes(f, 'Node'),
  }),
  defineRule({
    id: 'BH-K8S-107',
    cis: '1.2.8',
    title: 'API server authorization does not include RBAC',
    severity: 'high',
    rationale: 'Without RBAC there is no fine-grained, auditable authorization: Roles and RoleBindings have no effect.',
    remediation: 'Include `RBAC` in `--authorization-mode`.',
    references: apiserverRef('C-0120', 'KCV0009'),
    evaluate: (f) => authzIncludes(f, 'RBAC'),
  }),
  defineRule({
    id: 'BH-K8S-108',
    cis: '1.2.9',
    title: 'API server does not rate-limit events',
    severity: 'low',
    rationale: 'Without EventRateLimit a misbehaving or hostile client can flood the API server and etcd with events.',
    remediation: 'Enable `EventRateLimit` in `--enable-admission-plugins` and configure its limits with `--admission-control-config-file`.',
    references: apiserverRef('C-0121', 'KCV0010', 'network-separation'),
    evaluate: (f) => pluginOn(f, 'EventRateLimit'),
  }),
  defineRule({
    id: 'BH-K8S-109',
    cis: '1.2.10',
    title: 'API server admits every request (AlwaysAdmit)',
    severity: 'high',
    rationale: 'AlwaysAdmit accepts every object regardless of the other admission plugins\' verdicts, switching off admission control.',
    remediation: 'Remove `AlwaysAdmit` from `--enable-admission-plugins`.',
    references: apiserverRef('C-0122', 'KCV0011', 'pod-security'),
    evaluate: (f) => {
      const flag = plugins(f).enabled.get('AlwaysAdmit');
      return flag ? { evidence: `${shown(flag)} includes AlwaysAdmit`, flag } : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-110',
    cis: '1.2.11',
    title: 'API server does not force image pulls (AlwaysPullImages)',
    severity: 'low',
    rationale: 'Without AlwaysPullImages a pod can use a private image another tenant already pulled to the node, without pull credentials of its own.',
    remediation: 'Enable `AlwaysPullImages` in `--enable-admission-plugins` on multi-tenant clusters (it makes every pod start depend on the registry).',
    references: apiserverRef('C-0123', 'KCV0012', 'pod-security'),
    evaluate: (f) => pluginOn(f, 'AlwaysPullImages'),
  }),
  defineRule({
    id: 'BH-K8S-111',
    cis: '1.2.12',
    title: 'API server disables the ServiceAccount admission plugin',
    severity: 'medium',
    rationale: 'The ServiceAccount plugin assigns service accounts and their tokens to pods and keeps pods from using accounts that do not exist.',
    remediation: 'Remove `ServiceAccount` from `--disable-admission-plugins`.',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0014'],
    evaluate: (f) => pluginOn(f, 'ServiceAccount'),
  }),
  defineRule({
    id: 'BH-K8S-112',
    cis: '1.2.13',
    title: 'API server disables the NamespaceLifecycle admission plugin',
    severity: 'low',
    rationale: 'NamespaceLifecycle refuses objects in namespaces that are terminating or do not exist, and protects the system namespaces from deletion.',
    remediation: 'Remove `NamespaceLifecycle` from `--disable-admission-plugins`.',
    references: ['trivy:KCV0015'],
    evaluate: (f) => pluginOn(f, 'NamespaceLifecycle'),
  }),
  defineRule({
    id: 'BH-K8S-113',
    cis: '1.2.14',
    title: 'API server does not restrict kubelets (NodeRestriction)',
    severity: 'medium',
    rationale: 'NodeRestriction keeps a kubelet from modifying other nodes and pods bound elsewhere, or labelling itself into a privileged node pool; without it one compromised node reaches the others.',
    remediation: 'Enable `NodeRestriction` in `--enable-admission-plugins` (with `Node` in `--authorization-mode`).',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0016'],
    evaluate: (f) => pluginOn(f, 'NodeRestriction'),
  }),
  defineRule({
    id: 'BH-K8S-114',
    cis: '1.2.15',
    title: 'API server profiling is enabled',
    severity: 'low',
    rationale: 'The /debug/pprof endpoints reveal program internals and can be used to load the server; they are not needed in production.',
    remediation: 'Set `--profiling=false`.',
    references: ['trivy:KCV0018'],
    evaluate: (f) => boolMust(f, 'profiling', false, true, C),
  }),
  defineRule({
    id: 'BH-K8S-115',
    cis: '1.2.16',
    title: 'API server writes no audit log',
    severity: 'medium',
    rationale: 'Without an audit log there is no record of who read Secrets, exec\'d into pods or changed RBAC: incidents cannot be investigated.',
    remediation: 'Set `--audit-log-path` (e.g. /var/log/kubernetes/audit/audit.log) together with `--audit-policy-file`.',
    references: ['nsa-k8s:audit-logging', 'trivy:KCV0019'],
    evaluate: (f) => mustSet(f, 'audit-log-path'),
  }),
  defineRule({
    id: 'BH-K8S-116',
    cis: '1.2.17',
    title: 'API server keeps audit logs for less than 30 days',
    severity: 'low',
    rationale: 'Intrusions are often found weeks later; audit logs must outlive the time it takes to notice.',
    remediation: 'Set `--audit-log-maxage=30` or more (or ship the log to a store that keeps it).',
    references: ['nsa-k8s:audit-logging', 'trivy:KCV0020'],
    evaluate: (f) => minInt(f, 'audit-log-maxage', 30, 0, C),
  }),
  defineRule({
    id: 'BH-K8S-117',
    cis: '1.2.18',
    title: 'API server keeps fewer than 10 rotated audit logs',
    severity: 'low',
    rationale: 'Too few rotated files and a burst of activity (or an attacker generating noise) pushes the evidence out.',
    remediation: 'Set `--audit-log-maxbackup=10` or more.',
    references: ['nsa-k8s:audit-logging', 'trivy:KCV0021'],
    evaluate: (f) => minInt(f, 'audit-log-maxbackup', 10, 0, C),
  }),
  defineRule({
    id: 'BH-K8S-118',
    cis: '1.2.19',
    title: 'API server rotates audit logs below 100 MB',
    severity: 'low',
    rationale: 'Small audit files rotate quickly; together with the backup count they bound how much history survives.',
    remediation: 'Set `--audit-log-maxsize=100` (MB) or more.',
    references: ['nsa-k8s:audit-logging', 'trivy:KCV0022'],
    evaluate: (f) => minInt(f, 'audit-log-maxsize', 100, 0, C),
  }),
  defineRule({
    id: 'BH-K8S-119',
    cis: '1.2.20',
    title: 'API server request timeout is unbounded or very long',
    severity: 'low',
    rationale: 'A request timeout bounds how long a client can hold a non-watch request; a very long or zero timeout lets slow clients exhaust the server.',
    remediation: 'Leave `--request-timeout` at its default (60s) or set a value up to a few minutes (e.g. 300s).',
    evaluate: (f) => {
      const flag = f.last('request-timeout');
      if (!flag) return undefined;
      const s = goDurationSeconds(flag.value ?? '');
      if (s === undefined) return { evidence: `${shown(flag)} is not a duration`, flag };
      return s <= 0 || s > 3600 ? { evidence: `${shown(flag)} (${s <= 0 ? 'no timeout' : 'over an hour'})`, flag } : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-120',
    cis: '1.2.21',
    title: 'API server does not check that service account tokens still exist',
    severity: 'medium',
    rationale: 'Without the lookup, a token of a deleted service account (or a leaked legacy token) stays valid until it expires.',
    remediation: 'Remove `--service-account-lookup=false` (the default is true).',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0024'],
    evaluate: (f) => boolMust(f, 'service-account-lookup', true, true, C),
  }),
  defineRule({
    id: 'BH-K8S-121',
    cis: '1.2.22',
    title: 'API server has no service account public key file',
    severity: 'low',
    rationale: 'An explicit key file lets service account signing keys be rotated; without it the API server falls back to its TLS key.',
    remediation: 'Set `--service-account-key-file` to the public key matching the controller manager\'s `--service-account-private-key-file`.',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0025'],
    evaluate: (f) => mustSet(f, 'service-account-key-file'),
  }),
  defineRule({
    id: 'BH-K8S-122',
    cis: '1.2.23',
    title: 'API server talks to etcd without a client certificate',
    severity: 'high',
    rationale: 'etcd holds every Secret of the cluster; the API server must authenticate to it with a client certificate over TLS.',
    remediation: 'Set `--etcd-certfile` and `--etcd-keyfile` (kubeadm: /etc/kubernetes/pki/apiserver-etcd-client.crt and .key).',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0026'],
    evaluate: (f) => mustSet(f, 'etcd-certfile', 'etcd-keyfile'),
  }),
  defineRule({
    id: 'BH-K8S-123',
    cis: '1.2.24',
    title: 'API server has no TLS certificate configured',
    severity: 'medium',
    rationale: 'Without `--tls-cert-file` the API server serves a self-signed certificate generated at start-up that clients cannot verify.',
    remediation: 'Set `--tls-cert-file` and `--tls-private-key-file` to a certificate signed by the cluster CA.',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0027'],
    evaluate: (f) => mustSet(f, 'tls-cert-file', 'tls-private-key-file'),
  }),
  defineRule({
    id: 'BH-K8S-124',
    cis: '1.2.25',
    title: 'API server has no client CA for certificate authentication',
    severity: 'medium',
    rationale: 'The client CA is how kubelets, controllers and administrators authenticate with certificates; without it those clients fall back to weaker methods.',
    remediation: 'Set `--client-ca-file` to the cluster CA.',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0028'],
    evaluate: (f) => mustSet(f, 'client-ca-file'),
  }),
  defineRule({
    id: 'BH-K8S-125',
    cis: '1.2.26',
    title: 'API server does not verify etcd\'s certificate',
    severity: 'medium',
    rationale: 'Without the etcd CA the API server cannot tell the real etcd from an impostor that would receive every write.',
    remediation: 'Set `--etcd-cafile` to the etcd CA.',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0029'],
    evaluate: (f) => mustSet(f, 'etcd-cafile'),
  }),
  defineRule({
    id: 'BH-K8S-126',
    cis: '1.2.27',
    title: 'API server does not encrypt Secrets at rest',
    severity: 'medium',
    rationale: 'Without an encryption provider config, Secrets are stored in etcd in plain text: anyone with an etcd backup or disk snapshot reads them all.',
    remediation: 'Set `--encryption-provider-config` to an EncryptionConfiguration using kms v2 (or aescbc/secretbox) for secrets.',
    references: ['nsa-k8s:authentication-authorization', 'kubescape:C-0066', 'trivy:KCV0030'],
    evaluate: (f) => mustSet(f, 'encryption-provider-config'),
  }),
  defineRule({
    id: 'BH-K8S-127',
    cis: '1.2.29',
    title: 'API server allows weak TLS cipher suites',
    severity: 'low',
    rationale: 'CBC-mode, static-RSA and RC4/3DES suites lack forward secrecy or have practical attacks; a client can be made to negotiate them.',
    remediation: 'Set `--tls-cipher-suites` to ECDHE suites with AES-GCM or ChaCha20-Poly1305 only (TLS 1.3 suites are always strong).',
    evaluate: (f) => cipherRule(f, C),
  }),
  defineRule({
    id: 'BH-K8S-128',
    cis: '3.2.1',
    title: 'API server has no audit policy',
    severity: 'medium',
    rationale: 'Without `--audit-policy-file` nothing is audited even when a log path is set: the policy decides which requests are recorded.',
    remediation: 'Write an audit Policy (Metadata level for Secrets, ConfigMaps and TokenReviews; RequestResponse for RBAC and exec) and set `--audit-policy-file`.',
    references: ['nsa-k8s:audit-logging', 'kubescape:C-0067'],
    evaluate: (f) => mustSet(f, 'audit-policy-file'),
  }),
];
