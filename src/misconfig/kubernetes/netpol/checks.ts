/**
 * NetworkPolicy checks (BH-NET-…): the data half. `findings.ts` produces the
 * findings from the network model and the computed connectivity.
 *
 * References: `nsa-k8s:network-separation` (NSA/CISA Kubernetes Hardening
 * Guide, network separation and hardening), `cis-k8s:5.3.2` ("Ensure that all
 * Namespaces have Network Policies defined"), kubescape C-0260 ("Missing
 * network policy": workloads no policy selects), C-0049 ("Network mapping")
 * and C-0206 (CIS 5.3.2) for namespaces without policies.
 */
import type { CheckDefinition } from '../../../core/check.js';

export const noIngressPolicyCheck: CheckDefinition = {
  id: 'BH-NET-001',
  kind: 'kubernetes',
  title: 'Workload not selected by any ingress policy',
  severity: 'medium',
  rationale:
    'A pod that no NetworkPolicy (or AdminNetworkPolicy / BaselineAdminNetworkPolicy) selects for ingress accepts connections from every pod in the cluster and every address that can route to it: one compromised pod anywhere can reach it.',
  remediation:
    'Add a default-deny ingress NetworkPolicy (`podSelector: {}`, `policyTypes: [Ingress]`) to the namespace, then NetworkPolicies that allow only the sources and ports the workload needs.',
  references: ['nsa-k8s:network-separation', 'cis-k8s:5.3.2', 'kubescape:C-0260'],
};

export const noEgressPolicyCheck: CheckDefinition = {
  id: 'BH-NET-002',
  kind: 'kubernetes',
  title: 'Workload not selected by any egress policy',
  severity: 'low',
  rationale:
    'A pod that no policy selects for egress may open connections to every pod, the cloud metadata service and the whole internet: a compromise can scan the cluster, move laterally and exfiltrate freely.',
  remediation:
    'Add a default-deny egress NetworkPolicy (`podSelector: {}`, `policyTypes: [Egress]`) to the namespace, then allow DNS (kube-dns, UDP and TCP 53) and the destinations the workload needs.',
  references: ['nsa-k8s:network-separation', 'cis-k8s:5.3.2', 'kubescape:C-0260'],
};

export const noDefaultDenyIngressCheck: CheckDefinition = {
  id: 'BH-NET-003',
  kind: 'kubernetes',
  title: 'Namespace without a default-deny ingress policy',
  severity: 'medium',
  rationale:
    'Without a policy that selects every pod of the namespace for ingress, each new workload starts open to the whole cluster until someone remembers to write its policy.',
  remediation:
    'Add `kind: NetworkPolicy` with `podSelector: {}` and `policyTypes: [Ingress]` (no ingress rules) to the namespace, or a BaselineAdminNetworkPolicy that denies ingress by default.',
  references: ['nsa-k8s:network-separation', 'cis-k8s:5.3.2', 'kubescape:C-0206', 'kubescape:C-0049'],
};

export const noDefaultDenyEgressCheck: CheckDefinition = {
  id: 'BH-NET-004',
  kind: 'kubernetes',
  title: 'Namespace without a default-deny egress policy',
  severity: 'low',
  rationale: 'Without a policy that selects every pod of the namespace for egress, each new workload may connect anywhere, inside the cluster and out.',
  remediation:
    'Add `kind: NetworkPolicy` with `podSelector: {}` and `policyTypes: [Egress]` to the namespace, with an egress rule for DNS if pods resolve names, or a BaselineAdminNetworkPolicy that denies egress by default.',
  references: ['nsa-k8s:network-separation', 'cis-k8s:5.3.2'],
};

export const selectsNothingCheck: CheckDefinition = {
  id: 'BH-NET-005',
  kind: 'kubernetes',
  title: 'Network policy selects no workload',
  severity: 'low',
  rationale:
    'A policy whose pod selector matches no workload protects nothing, usually because of a label typo or a renamed app; the workload it was written for is left unprotected while the policy suggests otherwise.',
  remediation: 'Fix the selector to match the labels of the pods it is meant for (compare with the pod template labels), or delete the policy.',
  references: ['nsa-k8s:network-separation'],
};

export const allowAllRuleCheck: CheckDefinition = {
  id: 'BH-NET-006',
  kind: 'kubernetes',
  title: 'Network policy rule allows all traffic',
  severity: 'medium',
  rationale:
    'A rule without peers and without ports (`- {}`, or an Allow rule for all namespaces on every port) allows everything in its direction and undoes the isolation of every pod the policy selects.',
  remediation: 'List the peers (podSelector / namespaceSelector / ipBlock) and the ports the pods need instead of an empty rule.',
  references: ['nsa-k8s:network-separation'],
};

export const egressAnywhereCheck: CheckDefinition = {
  id: 'BH-NET-007',
  kind: 'kubernetes',
  title: 'Egress allowed to any address (0.0.0.0/0 or ::/0)',
  severity: 'low',
  rationale: 'An egress rule to 0.0.0.0/0 or ::/0 lets the selected pods reach the whole internet: the usual channel for exfiltration and command and control after a compromise.',
  remediation:
    'Allow egress only to the address ranges the workload needs (API endpoints, partner networks); route other outbound traffic through an egress proxy or gateway that filters by destination.',
  references: ['nsa-k8s:network-separation', 'mitre-attack:T1041'],
};

export const sensitivePortCheck: CheckDefinition = {
  id: 'BH-NET-008',
  kind: 'kubernetes',
  title: 'Sensitive port reachable from the internet',
  severity: 'high',
  rationale:
    'Databases, caches, SSH, the Docker and kubelet APIs and etcd are built for trusted networks. When policies let public addresses reach these ports, one exposed address or misrouted load balancer puts them on the internet.',
  remediation: 'Restrict ingress to these ports to the workloads and private ranges that need them (podSelector / namespaceSelector, ipBlock of internal ranges), never an open `from` or 0.0.0.0/0.',
  references: ['nsa-k8s:network-separation', 'mitre-attack:T1190'],
};

export const lateralMovementCheck: CheckDefinition = {
  id: 'BH-NET-009',
  kind: 'kubernetes',
  title: 'Lateral-movement path from an internet-exposed workload to a sensitive workload',
  severity: 'high',
  rationale:
    'An internet-exposed workload (LoadBalancer or NodePort Service, Ingress backend) is the first thing an attacker compromises. If network policies let it reach a workload holding Secrets or risky RBAC permissions, that compromise becomes credential theft or cluster takeover.',
  remediation:
    'Cut the path: deny the hops with NetworkPolicies (allow only the callers each workload needs), and remove what makes the target valuable (mount only the Secrets it needs, trim its service account permissions).',
  references: ['nsa-k8s:network-separation', 'mitre-attack:T1210'],
};

export const netpolChecks: CheckDefinition[] = [
  noIngressPolicyCheck,
  noEgressPolicyCheck,
  noDefaultDenyIngressCheck,
  noDefaultDenyEgressCheck,
  selectsNothingCheck,
  allowAllRuleCheck,
  egressAnywhereCheck,
  sensitivePortCheck,
  lateralMovementCheck,
];

/** Ports of services that must not face the internet (TCP). */
export const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [23, 'Telnet'],
  [1433, 'Microsoft SQL Server'],
  [1521, 'Oracle'],
  [2375, 'Docker API (plain)'],
  [2376, 'Docker API (TLS)'],
  [2379, 'etcd client'],
  [2380, 'etcd peer'],
  [3306, 'MySQL'],
  [3389, 'RDP'],
  [5432, 'PostgreSQL'],
  [5900, 'VNC'],
  [5984, 'CouchDB'],
  [6379, 'Redis'],
  [9042, 'Cassandra'],
  [9200, 'Elasticsearch HTTP'],
  [9300, 'Elasticsearch transport'],
  [10250, 'kubelet API'],
  [10255, 'kubelet read-only'],
  [11211, 'memcached'],
  [27017, 'MongoDB'],
]);
