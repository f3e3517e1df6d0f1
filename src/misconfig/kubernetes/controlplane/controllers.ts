/**
 * kube-controller-manager (CIS 1.3.x, BH-K8S-129…135), kube-scheduler
 * (CIS 1.4.x, BH-K8S-136/137) and etcd (CIS 2.x, BH-K8S-138…143) flags.
 *
 * Defaults: both controllers profile by default and bind their secure port
 * on 0.0.0.0; the controller manager does not use per-controller service
 * account credentials unless told; RotateKubeletServerCertificate is on by
 * default. etcd defaults to no client or peer certificate authentication
 * and no auto-TLS; it also reads `ETCD_*` environment variables, which the
 * rules see as flags (a flag wins over its variable).
 */
import type { FlagSet } from './flags.js';
import { boolMust, defineRule, loopbackBind, mustSet, type Rule } from './rule.js';

const CM = 'kube-controller-manager';
const SCHED = 'kube-scheduler';
const ETCD = 'etcd';

export const controllerManagerRules: ReadonlyArray<Rule<FlagSet>> = [
  defineRule({
    id: 'BH-K8S-129',
    cis: '1.3.1',
    title: 'Controller manager has no explicit terminated-pod GC threshold',
    severity: 'low',
    rationale: 'Terminated pods are only garbage-collected past the threshold (12500 by default); a low explicit value keeps etcd and the API server from filling with dead pods.',
    remediation: 'Set `--terminated-pod-gc-threshold` to a value that fits the cluster (e.g. 10 to 1000).',
    references: ['trivy:KCV0033'],
    evaluate: (f) => {
      const v = mustSet(f, 'terminated-pod-gc-threshold');
      return v ? { ...v, evidence: `${v.evidence}; ${CM} defaults to 12500` } : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-130',
    cis: '1.3.2',
    title: 'Controller manager profiling is enabled',
    severity: 'low',
    rationale: 'The /debug/pprof endpoints reveal program internals and are not needed in production.',
    remediation: 'Set `--profiling=false`.',
    references: ['trivy:KCV0034'],
    evaluate: (f) => boolMust(f, 'profiling', false, true, CM),
  }),
  defineRule({
    id: 'BH-K8S-131',
    cis: '1.3.3',
    title: 'Controller manager controllers share one identity',
    severity: 'medium',
    rationale: 'Without per-controller service account credentials every controller acts with the controller manager\'s own, very broad rights: one abused controller has them all.',
    remediation: 'Set `--use-service-account-credentials=true`.',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0035'],
    evaluate: (f) => boolMust(f, 'use-service-account-credentials', true, false, CM),
  }),
  defineRule({
    id: 'BH-K8S-132',
    cis: '1.3.4',
    title: 'Controller manager has no service account signing key',
    severity: 'medium',
    rationale: 'Service account tokens are signed with this key; without an explicit key file they cannot be verified or the key rotated.',
    remediation: 'Set `--service-account-private-key-file` (kubeadm: /etc/kubernetes/pki/sa.key).',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0036'],
    evaluate: (f) => mustSet(f, 'service-account-private-key-file'),
  }),
  defineRule({
    id: 'BH-K8S-133',
    cis: '1.3.5',
    title: 'Controller manager does not give pods the cluster root CA',
    severity: 'low',
    rationale: 'The root CA is put into service account token volumes so pods can verify the API server\'s certificate instead of trusting whatever answers.',
    remediation: 'Set `--root-ca-file` to the cluster CA bundle.',
    references: ['trivy:KCV0037'],
    evaluate: (f) => mustSet(f, 'root-ca-file'),
  }),
  defineRule({
    id: 'BH-K8S-134',
    cis: '1.3.6',
    title: 'Controller manager disables kubelet serving certificate rotation',
    severity: 'low',
    rationale: 'RotateKubeletServerCertificate lets kubelets request serving certificates from the cluster CA and renew them before they expire.',
    remediation: 'Remove `RotateKubeletServerCertificate=false` from `--feature-gates` (it is on by default).',
    references: ['trivy:KCV0038'],
    evaluate: (f) => {
      const g = f.featureGate('RotateKubeletServerCertificate');
      return g && g.value !== true ? { evidence: `${g.flag.raw} sets RotateKubeletServerCertificate=${g.value ?? 'unreadable'}`, flag: g.flag } : undefined;
    },
  }),
  defineRule({
    id: 'BH-K8S-135',
    cis: '1.3.7',
    title: 'Controller manager listens on all interfaces',
    severity: 'low',
    rationale: 'The controller manager\'s secure port (health, metrics, profiling) needs no remote clients; bound to all interfaces it is reachable from pods and the network.',
    remediation: 'Set `--bind-address=127.0.0.1`.',
    references: ['trivy:KCV0039'],
    evaluate: (f) => loopbackBind(f, CM),
  }),
];

export const schedulerRules: ReadonlyArray<Rule<FlagSet>> = [
  defineRule({
    id: 'BH-K8S-136',
    cis: '1.4.1',
    title: 'Scheduler profiling is enabled',
    severity: 'low',
    rationale: 'The /debug/pprof endpoints reveal program internals and are not needed in production.',
    remediation: 'Set `--profiling=false`.',
    references: ['trivy:KCV0040'],
    evaluate: (f) => boolMust(f, 'profiling', false, true, SCHED),
  }),
  defineRule({
    id: 'BH-K8S-137',
    cis: '1.4.2',
    title: 'Scheduler listens on all interfaces',
    severity: 'low',
    rationale: 'The scheduler\'s secure port needs no remote clients; bound to all interfaces it is reachable from pods and the network.',
    remediation: 'Set `--bind-address=127.0.0.1`.',
    references: ['trivy:KCV0041'],
    evaluate: (f) => loopbackBind(f, SCHED),
  }),
];

export const etcdRules: ReadonlyArray<Rule<FlagSet>> = [
  defineRule({
    id: 'BH-K8S-138',
    cis: '2.1',
    title: 'etcd serves clients without TLS',
    severity: 'high',
    rationale: 'etcd holds every object of the cluster, Secrets included; without a certificate it serves them over plain HTTP.',
    remediation: 'Set `--cert-file` and `--key-file` (kubeadm: /etc/kubernetes/pki/etcd/server.crt and .key).',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0042'],
    evaluate: (f) => mustSet(f, 'cert-file', 'key-file'),
  }),
  defineRule({
    id: 'BH-K8S-139',
    cis: '2.2',
    title: 'etcd does not authenticate clients by certificate',
    severity: 'high',
    rationale: 'Without client certificate authentication anyone who reaches etcd\'s client port reads and writes the whole cluster state, bypassing the API server and RBAC.',
    remediation: 'Set `--client-cert-auth=true` and `--trusted-ca-file`.',
    references: ['nsa-k8s:authentication-authorization', 'trivy:KCV0043'],
    evaluate: (f) => boolMust(f, 'client-cert-auth', true, false, ETCD),
  }),
  defineRule({
    id: 'BH-K8S-140',
    cis: '2.3',
    title: 'etcd uses self-signed client certificates (auto-tls)',
    severity: 'medium',
    rationale: 'auto-tls generates a self-signed certificate nobody can verify: clients cannot tell etcd from an impostor.',
    remediation: 'Remove `--auto-tls` (or set it to false) and configure certificates from the etcd CA.',
    references: ['trivy:KCV0044'],
    evaluate: (f) => boolMust(f, 'auto-tls', false, false, ETCD),
  }),
  defineRule({
    id: 'BH-K8S-141',
    cis: '2.4',
    title: 'etcd peers talk without TLS',
    severity: 'medium',
    rationale: 'Members of an etcd cluster replicate every write to each other; without peer certificates that traffic is in clear text.',
    remediation: 'Set `--peer-cert-file` and `--peer-key-file` (kubeadm: /etc/kubernetes/pki/etcd/peer.crt and .key).',
    references: ['trivy:KCV0045'],
    evaluate: (f) => mustSet(f, 'peer-cert-file', 'peer-key-file'),
  }),
  defineRule({
    id: 'BH-K8S-142',
    cis: '2.5',
    title: 'etcd does not authenticate peers by certificate',
    severity: 'medium',
    rationale: 'Without peer certificate authentication anything that reaches the peer port can join the etcd cluster and receive its data.',
    remediation: 'Set `--peer-client-cert-auth=true` and `--peer-trusted-ca-file`.',
    references: ['trivy:KCV0046'],
    evaluate: (f) => boolMust(f, 'peer-client-cert-auth', true, false, ETCD),
  }),
  defineRule({
    id: 'BH-K8S-143',
    cis: '2.6',
    title: 'etcd peers use self-signed certificates (peer-auto-tls)',
    severity: 'medium',
    rationale: 'peer-auto-tls generates self-signed peer certificates: members cannot verify each other.',
    remediation: 'Remove `--peer-auto-tls` (or set it to false) and configure peer certificates from the etcd CA.',
    references: ['trivy:KCV0047'],
    evaluate: (f) => boolMust(f, 'peer-auto-tls', false, false, ETCD),
  }),
];
