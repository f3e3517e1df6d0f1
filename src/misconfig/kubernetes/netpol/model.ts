/**
 * Building the network model from Kubernetes objects.
 *
 * - Workloads are pods and pod templates (via `podOf`); an object whose
 *   controller (ownerReference with `controller: true`) is in the input too is
 *   skipped, so a cluster dump with Deployment, ReplicaSet and Pods counts the
 *   Deployment once. PodTemplates do not run. hostNetwork pods are left out:
 *   they use the node's address and NetworkPolicy does not apply to them.
 * - Namespaces get the automatic `kubernetes.io/metadata.name` label, whether
 *   given as objects or only referenced.
 * - Workloads with the same namespace, labels and container ports form one
 *   pod class: policies cannot tell them apart, so every selector and rule is
 *   evaluated per class, and sets of classes are bitsets.
 * - ipBlock CIDRs apply to addresses outside the cluster only; pods are
 *   matched by selectors. (Upstream leaves ipBlock on pod IPs to the
 *   implementation; we model workloads by selectors and the outside world as
 *   CIDR ranges.)
 */
import { asArray, asObject, asString, asStringMap, containersOf, describeObject, podOf, type K8sObject } from '../input/index.js';
import { Bitset } from './bitset.js';
import { atomsWithin, buildAtoms, type Family } from './cidr.js';
import { parseServices } from './exposure.js';
import { cidrsOf, namespaceMatches, parseAdminPolicy, parseNetworkPolicy, report, type ParseContext, type RawPolicy, type RawRule, type SubjectSpec } from './policies.js';
import { ConnTable, parseProtocol } from './ports.js';
import { matches, type Selector } from '../input/selector.js';
import type { ContainerPort, ModelProblem, NamespaceInfo, NetworkModel, PeerSpec, Peers, PodClass, Policy, Rule, Workload } from './types.js';

export interface ModelOptions {
  /** Model IPv6 external ranges too. Default: only when a policy names an IPv6 CIDR. */
  ipv6?: boolean;
}

const METADATA_NAME = 'kubernetes.io/metadata.name';
const NP_GROUP = 'networking.k8s.io/';
const ANP_GROUP = 'policy.networking.k8s.io/';
/** Policy kinds of other CNIs: they change connectivity but are not modeled. */
const FOREIGN_POLICY_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy', 'NetworkSet', 'GlobalNetworkSet', 'AuthorizationPolicy']);

const ownerKey = (ns: string, kind: string, name: string) => `${ns}\u0000${kind}\u0000${name}`;

export function buildNetworkModel(objects: readonly K8sObject[], options: ModelOptions = {}): NetworkModel {
  const problems: ModelProblem[] = [];
  const conns = new ConnTable();
  const ctx: ParseContext = { problems, conns };
  const namespaces = new Map<string, NamespaceInfo & { labels: Record<string, string> }>();
  const touch = (name: string, obj: K8sObject) => {
    let ns = namespaces.get(name);
    if (!ns) {
      ns = { name, labels: { [METADATA_NAME]: name } };
      namespaces.set(name, ns);
    }
    ns.firstObject ??= obj;
    return ns;
  };

  const present = new Set<string>();
  for (const o of objects) present.add(ownerKey(o.namespace ?? 'default', o.kind, o.name));

  const candidates: K8sObject[] = [];
  const rawPolicies: RawPolicy[] = [];
  const serviceObjects: K8sObject[] = [];
  const seen = new Set<string>();
  for (const obj of objects) {
    const id = `${obj.apiVersion.split('/')[0]}\u0000${ownerKey(obj.namespace ?? '', obj.kind, obj.name)}`;
    if (seen.has(id)) {
      report(ctx, obj, [], `${describeObject(obj.ref)} appears more than once; the first one is used`);
      continue;
    }
    seen.add(id);
    if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') {
      const ns = touch(obj.name, obj);
      ns.object = obj;
      const labels = asStringMap(asObject(obj.data['metadata'])?.['labels']);
      ns.labels = { ...labels, [METADATA_NAME]: obj.name };
      continue;
    }
    if (obj.kind === 'NetworkPolicy' && obj.apiVersion.startsWith(NP_GROUP)) {
      touch(obj.namespace ?? 'default', obj);
      const p = parseNetworkPolicy(ctx, obj);
      if (p) rawPolicies.push(p);
      continue;
    }
    if ((obj.kind === 'AdminNetworkPolicy' || obj.kind === 'BaselineAdminNetworkPolicy') && obj.apiVersion.startsWith(ANP_GROUP)) {
      const p = parseAdminPolicy(ctx, obj, obj.kind === 'BaselineAdminNetworkPolicy');
      if (p) rawPolicies.push(p);
      continue;
    }
    if (FOREIGN_POLICY_KINDS.has(obj.kind) || (obj.kind === 'NetworkPolicy' && !obj.apiVersion.startsWith(NP_GROUP))) {
      report(ctx, obj, [], `${obj.apiVersion} ${obj.kind} is not modeled; connectivity ignores it`);
      continue;
    }
    if (obj.kind === 'Service' || obj.kind === 'Ingress') {
      touch(obj.namespace ?? 'default', obj);
      serviceObjects.push(obj);
      continue;
    }
    if (obj.kind !== 'PodTemplate' && podOf(obj)) candidates.push(obj);
  }

  const workloads: Workload[] = [];
  for (const obj of candidates) {
    const pod = podOf(obj)!;
    const owners = asArray(asObject(obj.data['metadata'])?.['ownerReferences']);
    const ownedByInput = owners.some((o) => {
      const r = asObject(o);
      return r?.['controller'] === true && present.has(ownerKey(pod.namespace, asString(r['kind']) ?? '', asString(r['name']) ?? ''));
    });
    if (ownedByInput) continue;
    if (pod.spec['hostNetwork'] === true) {
      report(ctx, obj, [...pod.specPath, 'hostNetwork'], 'hostNetwork pod: it uses the node address and NetworkPolicy does not apply; left out of the connectivity');
      continue;
    }
    touch(pod.namespace, obj);
    const ports: ContainerPort[] = [];
    for (const c of containersOf(pod)) {
      if (c.kind === 'ephemeralContainers') continue;
      asArray(c.data['ports']).forEach((p, i) => {
        const o = asObject(p);
        const port = o?.['containerPort'];
        const protocol = parseProtocol(o?.['protocol']);
        if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535 || !protocol) return;
        const name = asString(o?.['name']);
        ports.push({ ...(name ? { name } : {}), port, protocol, path: [...c.path, 'ports', i] });
      });
    }
    workloads.push({
      id: 0,
      object: obj,
      pod,
      namespace: pod.namespace,
      name: obj.name,
      kind: obj.kind,
      key: `${pod.namespace}/${obj.name}/${obj.kind}`,
      labels: pod.labels,
      ports,
      classId: 0,
    });
  }
  workloads.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.kind, b.kind));
  workloads.forEach((w, i) => (w.id = i));

  const classes = classify(workloads);
  const classesByNs = new Map<string, number[]>();
  for (const c of classes) {
    const list = classesByNs.get(c.namespace) ?? [];
    list.push(c.id);
    classesByNs.set(c.namespace, list);
  }

  const v6 = options.ipv6 ?? rawPolicies.some((p) => cidrsOf(p).some((c) => c.family === 6));
  const families: Family[] = v6 ? [4, 6] : [4];
  const atoms = buildAtoms(rawPolicies.flatMap(cidrsOf), families);

  const nsList = [...namespaces.values()].sort((a, b) => cmp(a.name, b.name));
  const podSetCache = new Map<string, Bitset>();
  const podsOf = (nsSpec: Selector | { only: string }, pods: Selector): Bitset => {
    const key = `${'only' in nsSpec ? `=${nsSpec.only}` : nsSpec.key}\u0003${pods.key}`;
    let set = podSetCache.get(key);
    if (!set) {
      set = new Bitset(classes.length);
      for (const ns of nsList) {
        if (!namespaceMatches(nsSpec, ns)) continue;
        for (const cid of classesByNs.get(ns.name) ?? []) if (matches(pods, classes[cid]!.labels)) set.add(cid);
      }
      podSetCache.set(key, set);
    }
    return set;
  };

  const peersOf = (specs: PeerSpec[] | 'open'): Peers => {
    const peers: Peers = { all: specs === 'open', pods: new Bitset(classes.length), atoms: new Bitset(atoms.length) };
    if (specs === 'open') return peers;
    for (const s of specs) {
      if (s.kind === 'everything') peers.all = true;
      else if (s.kind === 'pods') peers.pods.addAll(podsOf(s.namespaces, s.pods));
      else {
        const out = new Set(s.except.flatMap((e) => atomsWithin(atoms, e)));
        for (const a of atomsWithin(atoms, s.cidr)) if (!out.has(a)) peers.atoms.add(a);
      }
    }
    return peers;
  };

  const policies: Policy[] = rawPolicies.map((raw, id) => {
    const subject: SubjectSpec = raw.subject;
    const policy: Policy = {
      kind: raw.kind,
      id,
      object: raw.object,
      ...(raw.namespace !== undefined ? { namespace: raw.namespace } : {}),
      name: raw.name,
      label: raw.namespace !== undefined ? `${raw.namespace}/${raw.name}` : raw.name,
      priority: raw.priority,
      subject: podsOf(subject.namespaces, subject.pods),
      subjectPath: subject.path,
      selectsUnlabeledIn: (ns) => namespaceMatches(subject.namespaces, ns) && matches(subject.pods, {}),
    };
    const rules = (dir: 'ingress' | 'egress', list: RawRule[]): Rule[] =>
      list.map((r) => {
        return {
          policy,
          direction: dir,
          index: r.index,
          ...(r.name !== undefined ? { name: r.name } : {}),
          action: r.action,
          peers: peersOf(r.peers),
          ports: r.ports,
          path: r.path,
          openPeers: r.peers === 'open',
          specs: r.peers === 'open' ? [] : r.peers,
        };
      });
    if (raw.ingress) policy.ingress = rules('ingress', raw.ingress);
    if (raw.egress) policy.egress = rules('egress', raw.egress);
    return policy;
  });

  const byName = (a: Policy, b: Policy) => cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name);
  const model: NetworkModel = {
    workloads,
    classes,
    namespaces,
    networkPolicies: policies.filter((p) => p.kind === 'NP').sort(byName),
    // Equal priorities are undefined upstream; we order them by name so results are stable.
    adminPolicies: policies.filter((p) => p.kind === 'ANP').sort((a, b) => a.priority - b.priority || byName(a, b)),
    baselinePolicies: policies.filter((p) => p.kind === 'BANP').sort(byName),
    services: [],
    ingresses: [],
    atoms,
    families,
    conns,
    problems,
  };
  const { services, ingresses } = parseServices(ctx, serviceObjects, model);
  model.services = services;
  model.ingresses = ingresses;
  return model;
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function classify(workloads: Workload[]): PodClass[] {
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  for (const w of workloads) {
    const labels = Object.keys(w.labels)
      .sort()
      .map((k) => `${k}=${w.labels[k]}`)
      .join('\u0001');
    const ports = w.ports
      .map((p) => `${p.name ?? ''}/${p.protocol}/${p.port}`)
      .sort()
      .join('\u0001');
    const key = `${w.namespace}\u0000${labels}\u0000${ports}`;
    let c = byKey.get(key);
    if (!c) {
      c = { id: classes.length, namespace: w.namespace, labels: w.labels, ports: w.ports, workloads: [] };
      classes.push(c);
      byKey.set(key, c);
    }
    c.workloads.push(w.id);
    w.classId = c.id;
  }
  return classes;
}
