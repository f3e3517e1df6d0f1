/**
 * Node file permission and ownership checks (BH-K8S-200…230): CIS
 * Kubernetes Benchmark v1.9 sections 1.1 (control-plane node) and 4.1
 * (worker node). The data half: which files, what mode at most, which
 * owner. scan.ts finds the files and applies them.
 */
import type { CheckDefinition } from '../../../core/check.js';
import type { Severity } from '../../../core/types.js';

export type Owner = 'root:root' | 'etcd:etcd';

/** Which files a rule looks at, relative to the node's root. */
export type Target =
  /** One file or directory at a fixed path (reported only when it exists). */
  | { kind: 'path'; paths: string[] }
  /** Every entry under a directory (recursively), optionally only names matching. */
  | { kind: 'tree'; dir: string; match?: RegExp; includeDir?: boolean }
  /** Computed at scan time (etcd data dir, kubelet client CA). */
  | { kind: 'dynamic'; name: 'etcd-data-dir' | 'kubelet-client-ca' };

export interface FileRule {
  check: CheckDefinition;
  cis: string;
  target: Target;
  /** Highest permission bits allowed (`0o600`); the rule checks ownership when absent. */
  maxMode?: number;
  owner?: Owner;
  /** The file holds credentials: world-readable is critical. */
  secret?: boolean;
}

interface Spec {
  id: string;
  cis: string;
  what: string;
  target: Target;
  maxMode?: number;
  owner?: Owner;
  secret?: boolean;
  severity: Severity;
  kubescape?: string;
  why: string;
}

function rule(s: Spec): FileRule {
  const perm = s.maxMode !== undefined;
  const mode = perm ? s.maxMode!.toString(8) : '';
  const check: CheckDefinition = {
    id: s.id,
    kind: 'kubernetes',
    title: perm ? `${s.what} permissions are looser than ${mode} (CIS ${s.cis})` : `${s.what} is not owned by ${s.owner} (CIS ${s.cis})`,
    severity: s.severity,
    rationale: s.why,
    remediation: perm ? `chmod ${mode} the file(s) on the node (e.g. \`chmod ${mode} <path>\`).` : `chown ${s.owner} the file(s) on the node (e.g. \`chown ${s.owner} <path>\`).`,
    references: [`cis-k8s:${s.cis}`, ...(s.kubescape ? [`kubescape:${s.kubescape}`] : [])],
  };
  const r: FileRule = { check, cis: s.cis, target: s.target };
  if (s.maxMode !== undefined) r.maxMode = s.maxMode;
  if (s.owner) r.owner = s.owner;
  if (s.secret) r.secret = true;
  return r;
}

const MANIFEST_WHY = 'Static pod manifests are run by the kubelet as root with the node\'s and cluster\'s most powerful credentials; whoever can change one changes the command line of a control-plane component.';
const KUBECONFIG_WHY = 'This kubeconfig holds a client certificate and key with powerful cluster rights; anyone who can read it acts with those rights.';
const OWNER_WHY = 'Only root should own it: a file owned by another account can be changed by that account, whatever its mode.';

const path = (...paths: string[]): Target => ({ kind: 'path', paths });
const manifest = (name: string) => path(`/etc/kubernetes/manifests/${name}.yaml`);

export const nodeRules: readonly FileRule[] = [
  rule({ id: 'BH-K8S-200', cis: '1.1.1', what: 'API server pod manifest', target: manifest('kube-apiserver'), maxMode: 0o600, severity: 'medium', kubescape: 'C-0092', why: MANIFEST_WHY }),
  rule({ id: 'BH-K8S-201', cis: '1.1.2', what: 'API server pod manifest', target: manifest('kube-apiserver'), owner: 'root:root', severity: 'medium', kubescape: 'C-0093', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-202', cis: '1.1.3', what: 'Controller manager pod manifest', target: manifest('kube-controller-manager'), maxMode: 0o600, severity: 'medium', kubescape: 'C-0094', why: MANIFEST_WHY }),
  rule({ id: 'BH-K8S-203', cis: '1.1.4', what: 'Controller manager pod manifest', target: manifest('kube-controller-manager'), owner: 'root:root', severity: 'medium', kubescape: 'C-0095', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-204', cis: '1.1.5', what: 'Scheduler pod manifest', target: manifest('kube-scheduler'), maxMode: 0o600, severity: 'medium', kubescape: 'C-0096', why: MANIFEST_WHY }),
  rule({ id: 'BH-K8S-205', cis: '1.1.6', what: 'Scheduler pod manifest', target: manifest('kube-scheduler'), owner: 'root:root', severity: 'medium', kubescape: 'C-0097', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-206', cis: '1.1.7', what: 'etcd pod manifest', target: manifest('etcd'), maxMode: 0o600, severity: 'medium', kubescape: 'C-0098', why: MANIFEST_WHY }),
  rule({ id: 'BH-K8S-207', cis: '1.1.8', what: 'etcd pod manifest', target: manifest('etcd'), owner: 'root:root', severity: 'medium', kubescape: 'C-0099', why: OWNER_WHY }),
  rule({
    id: 'BH-K8S-208',
    cis: '1.1.9',
    what: 'CNI configuration file',
    target: { kind: 'tree', dir: '/etc/cni/net.d' },
    maxMode: 0o600,
    severity: 'low',
    kubescape: 'C-0100',
    why: 'CNI configuration decides how every pod is networked; a writable file lets a local user reroute or sniff pod traffic.',
  }),
  rule({ id: 'BH-K8S-209', cis: '1.1.10', what: 'CNI configuration file', target: { kind: 'tree', dir: '/etc/cni/net.d' }, owner: 'root:root', severity: 'low', kubescape: 'C-0101', why: OWNER_WHY }),
  rule({
    id: 'BH-K8S-210',
    cis: '1.1.11',
    what: 'etcd data directory',
    target: { kind: 'dynamic', name: 'etcd-data-dir' },
    maxMode: 0o700,
    secret: true,
    severity: 'high',
    kubescape: 'C-0102',
    why: 'The etcd data directory holds the whole cluster state, every Secret included (in clear text unless encryption at rest is on).',
  }),
  rule({
    id: 'BH-K8S-211',
    cis: '1.1.12',
    what: 'etcd data directory',
    target: { kind: 'dynamic', name: 'etcd-data-dir' },
    owner: 'etcd:etcd',
    severity: 'low',
    kubescape: 'C-0103',
    why: 'The benchmark wants etcd\'s data owned by a dedicated etcd account so that etcd can run unprivileged and nothing else can write its data.',
  }),
  rule({ id: 'BH-K8S-212', cis: '1.1.13', what: 'Admin kubeconfig (admin.conf, super-admin.conf)', target: path('/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf'), maxMode: 0o600, secret: true, severity: 'high', kubescape: 'C-0104', why: `${KUBECONFIG_WHY} admin.conf and super-admin.conf are cluster-admin.` }),
  rule({ id: 'BH-K8S-213', cis: '1.1.14', what: 'Admin kubeconfig (admin.conf, super-admin.conf)', target: path('/etc/kubernetes/admin.conf', '/etc/kubernetes/super-admin.conf'), owner: 'root:root', severity: 'high', kubescape: 'C-0105', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-214', cis: '1.1.15', what: 'Scheduler kubeconfig (scheduler.conf)', target: path('/etc/kubernetes/scheduler.conf'), maxMode: 0o600, secret: true, severity: 'medium', kubescape: 'C-0106', why: KUBECONFIG_WHY }),
  rule({ id: 'BH-K8S-215', cis: '1.1.16', what: 'Scheduler kubeconfig (scheduler.conf)', target: path('/etc/kubernetes/scheduler.conf'), owner: 'root:root', severity: 'medium', kubescape: 'C-0107', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-216', cis: '1.1.17', what: 'Controller manager kubeconfig (controller-manager.conf)', target: path('/etc/kubernetes/controller-manager.conf'), maxMode: 0o600, secret: true, severity: 'medium', kubescape: 'C-0108', why: KUBECONFIG_WHY }),
  rule({ id: 'BH-K8S-217', cis: '1.1.18', what: 'Controller manager kubeconfig (controller-manager.conf)', target: path('/etc/kubernetes/controller-manager.conf'), owner: 'root:root', severity: 'medium', kubescape: 'C-0109', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-218', cis: '1.1.19', what: 'Kubernetes PKI directory or file', target: { kind: 'tree', dir: '/etc/kubernetes/pki', includeDir: true }, owner: 'root:root', severity: 'medium', kubescape: 'C-0110', why: `The PKI directory holds the cluster CA and component keys. ${OWNER_WHY}` }),
  rule({
    id: 'BH-K8S-219',
    cis: '1.1.20',
    what: 'Kubernetes PKI certificate (*.crt)',
    target: { kind: 'tree', dir: '/etc/kubernetes/pki', match: /\.crt$/ },
    maxMode: 0o600,
    severity: 'low',
    kubescape: 'C-0111',
    why: 'Certificates are public, but a writable one can be replaced (a rogue CA); v1.9 of the benchmark asks for 600.',
  }),
  rule({
    id: 'BH-K8S-220',
    cis: '1.1.21',
    what: 'Kubernetes PKI private key (*.key)',
    target: { kind: 'tree', dir: '/etc/kubernetes/pki', match: /\.key$/ },
    maxMode: 0o600,
    secret: true,
    severity: 'high',
    kubescape: 'C-0112',
    why: 'Private keys of the cluster CA, the API server, etcd and the service account signer: reading one is enough to mint credentials for the whole cluster.',
  }),
  rule({
    id: 'BH-K8S-221',
    cis: '4.1.1',
    what: 'Kubelet service file',
    target: path('/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', '/lib/systemd/system/kubelet.service', '/etc/systemd/system/kubelet.service', '/usr/lib/systemd/system/kubelet.service'),
    maxMode: 0o600,
    severity: 'medium',
    why: 'The kubelet service file sets the kubelet\'s flags; whoever can change it configures the node agent that runs every pod.',
  }),
  rule({
    id: 'BH-K8S-222',
    cis: '4.1.2',
    what: 'Kubelet service file',
    target: path('/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', '/lib/systemd/system/kubelet.service', '/etc/systemd/system/kubelet.service', '/usr/lib/systemd/system/kubelet.service'),
    owner: 'root:root',
    severity: 'medium',
    why: OWNER_WHY,
  }),
  rule({ id: 'BH-K8S-223', cis: '4.1.3', what: 'kube-proxy kubeconfig', target: path('/var/lib/kube-proxy/kubeconfig', '/var/lib/kube-proxy/kubeconfig.conf', '/etc/kubernetes/kube-proxy.conf'), maxMode: 0o600, secret: true, severity: 'medium', why: KUBECONFIG_WHY }),
  rule({ id: 'BH-K8S-224', cis: '4.1.4', what: 'kube-proxy kubeconfig', target: path('/var/lib/kube-proxy/kubeconfig', '/var/lib/kube-proxy/kubeconfig.conf', '/etc/kubernetes/kube-proxy.conf'), owner: 'root:root', severity: 'medium', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-225', cis: '4.1.5', what: 'Kubelet kubeconfig (kubelet.conf)', target: path('/etc/kubernetes/kubelet.conf'), maxMode: 0o600, secret: true, severity: 'high', why: `${KUBECONFIG_WHY} It is the node's identity to the API server.` }),
  rule({ id: 'BH-K8S-226', cis: '4.1.6', what: 'Kubelet kubeconfig (kubelet.conf)', target: path('/etc/kubernetes/kubelet.conf'), owner: 'root:root', severity: 'high', why: OWNER_WHY }),
  rule({
    id: 'BH-K8S-227',
    cis: '4.1.7',
    what: 'Kubelet client CA file',
    target: { kind: 'dynamic', name: 'kubelet-client-ca' },
    maxMode: 0o600,
    severity: 'medium',
    why: 'The kubelet trusts every client certificate this CA signed; a writable CA file lets a local user add their own CA and talk to the kubelet as anyone.',
  }),
  rule({ id: 'BH-K8S-228', cis: '4.1.8', what: 'Kubelet client CA file', target: { kind: 'dynamic', name: 'kubelet-client-ca' }, owner: 'root:root', severity: 'medium', why: OWNER_WHY }),
  rule({ id: 'BH-K8S-229', cis: '4.1.9', what: 'Kubelet configuration file (config.yaml)', target: path('/var/lib/kubelet/config.yaml'), maxMode: 0o600, severity: 'medium', why: 'The kubelet configuration decides authentication, authorization and TLS of the kubelet API; whoever can change it opens the node.' }),
  rule({ id: 'BH-K8S-230', cis: '4.1.10', what: 'Kubelet configuration file (config.yaml)', target: path('/var/lib/kubelet/config.yaml'), owner: 'root:root', severity: 'medium', why: OWNER_WHY }),
];

export const nodeChecks: readonly CheckDefinition[] = nodeRules.map((r) => r.check);
