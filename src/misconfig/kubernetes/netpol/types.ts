/**
 * The network model: workloads grouped into pod classes, namespaces with
 * their labels, and every policy reduced to rules over classes (bitsets) and
 * address atoms (bitsets), with ports as interned connection sets.
 */
import type { FieldPath, K8sObject } from '../input/index.js';
import type { PodView } from '../input/index.js';
import type { Bitset } from './bitset.js';
import type { Family, Range } from './cidr.js';
import type { ConnTable, Protocol } from './ports.js';
import type { Selector } from '../input/selector.js';

export interface ModelProblem {
  /** `file:line` of the object or field. */
  where: string;
  /** `ns/name[Kind]` of the object, when there is one. */
  object?: string;
  message: string;
}

export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
  /** Field path of the port entry inside the object. */
  path: FieldPath;
}

export interface Workload {
  id: number;
  object: K8sObject;
  pod: PodView;
  namespace: string;
  name: string;
  kind: string;
  /** `ns/name/Kind`: the key of `riskyWorkloads`. */
  key: string;
  labels: Readonly<Record<string, string>>;
  ports: ContainerPort[];
  classId: number;
}

/** Pods that no policy can tell apart: same namespace, same labels, same container ports. */
export interface PodClass {
  id: number;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  ports: readonly ContainerPort[];
  /** Workload ids, sorted. */
  workloads: number[];
}

export interface NamespaceInfo {
  name: string;
  /** Including the automatic `kubernetes.io/metadata.name`. */
  labels: Readonly<Record<string, string>>;
  /** The Namespace object, when the input has one. */
  object?: K8sObject;
  /** The first object of the input in this namespace (where namespace findings point without a Namespace object). */
  firstObject?: K8sObject;
}

export type PolicyKind = 'NP' | 'ANP' | 'BANP';
export type RuleAction = 'Allow' | 'Deny' | 'Pass';
export type Direction = 'ingress' | 'egress';

export interface PortMatcher {
  /** Conn id of the numeric ports and port ranges. */
  numeric: number;
  /** Named ports, resolved on the destination pod; no protocol = the container port's own (AdminNetworkPolicy `namedPort`). */
  named: ReadonlyArray<{ name: string; protocol?: Protocol }>;
  /** No `ports` at all: every port of every protocol. */
  any: boolean;
  /** Explicit single port numbers, per protocol (for the sensitive-port check). */
  explicit: ReadonlyArray<{ protocol: Protocol; port: number; endPort?: number }>;
}

export interface Peers {
  /** Every pod and every external address (a NetworkPolicy rule without from/to, or a fail-closed AdminNetworkPolicy peer). */
  all: boolean;
  /** Pod classes. */
  pods: Bitset;
  /** External address atoms. */
  atoms: Bitset;
}

export interface Rule {
  policy: Policy;
  direction: Direction;
  /** Position in the policy's ingress or egress list. */
  index: number;
  name?: string;
  action: RuleAction;
  peers: Peers;
  ports: PortMatcher;
  /** Field path of the rule inside the policy object. */
  path: FieldPath;
  /** NetworkPolicy rule without from/to (or with an empty list). */
  openPeers: boolean;
  /** The peers as written (empty for an open rule). */
  specs: PeerSpec[];
  /** Resolved ports per destination class (named ports), filled lazily; -1 = not yet. */
  portCache?: Int32Array;
}

/** Raw peer before it is turned into bitsets (kept for findings that look at the spec). */
export type PeerSpec =
  | { kind: 'pods'; namespaces: Selector | { only: string }; pods: Selector; path: FieldPath }
  | { kind: 'cidr'; cidr: import('./cidr.js').Cidr; except: import('./cidr.js').Cidr[]; path: FieldPath }
  | { kind: 'everything'; path: FieldPath };

export interface Policy {
  kind: PolicyKind;
  id: number;
  object: K8sObject;
  /** NetworkPolicies only. */
  namespace?: string;
  name: string;
  /** `ns/name` for NetworkPolicies, the name for cluster-scoped policies. */
  label: string;
  /** AdminNetworkPolicy priority (lower first); 0 for the others. */
  priority: number;
  /** Pod classes the policy applies to. */
  subject: Bitset;
  subjectPath: FieldPath;
  /** Does the subject include a pod without labels in this namespace (default-deny detection)? */
  selectsUnlabeledIn(ns: NamespaceInfo): boolean;
  /** Undefined when the policy does not govern that direction (NetworkPolicy policyTypes; no rules in an ANP/BANP). */
  ingress?: Rule[];
  egress?: Rule[];
}

export interface ServicePort {
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol: Protocol;
}

export interface ServiceInfo {
  object: K8sObject;
  namespace: string;
  name: string;
  type: string;
  /** Undefined: no selector (endpoints managed by hand). */
  selector?: Readonly<Record<string, string>>;
  ports: ServicePort[];
  loadBalancerSourceRanges: string[];
  externalIPs: string[];
  /** Internal load balancer by a cloud annotation. */
  internal: boolean;
  /** Workload ids selected. */
  workloads: number[];
}

export interface IngressInfo {
  object: K8sObject;
  namespace: string;
  name: string;
  /** Backend Service names, with the field path of each reference. */
  backends: Array<{ service: string; path: FieldPath }>;
}

export interface NetworkModel {
  /** Sorted by namespace, name, kind. */
  workloads: Workload[];
  classes: PodClass[];
  namespaces: ReadonlyMap<string, NamespaceInfo>;
  /** NetworkPolicies, sorted by namespace and name. */
  networkPolicies: Policy[];
  /** AdminNetworkPolicies in evaluation order (priority, then name). */
  adminPolicies: Policy[];
  /** BaselineAdminNetworkPolicies (normally one, `default`). */
  baselinePolicies: Policy[];
  services: ServiceInfo[];
  ingresses: IngressInfo[];
  /** External address atoms: the address space cut at every policy CIDR. */
  atoms: Range[];
  families: Family[];
  conns: ConnTable;
  problems: ModelProblem[];
}
