/**
 * Findings of the NetworkPolicy checks, each at the line of the policy rule,
 * policy selector, workload or namespace it is about.
 *
 * - Namespace default-deny: a policy that selects a pod without labels in
 *   the namespace and allows nothing in that direction (a NetworkPolicy
 *   whose podSelector matches it, with that policyType and no rules), or an
 *   ANP/BANP Deny rule from/to all pods on all ports. `podSelector: {}` with
 *   allow rules isolates pods but is not a default deny.
 * - "Selects nothing" is only reported where the input has workloads to
 *   select (the namespace of a NetworkPolicy; anywhere for cluster policies),
 *   so a policy-only input is not flooded.
 * - Egress to 0.0.0.0/0 is reported for explicit ipBlock / networks CIDRs; a
 *   rule without `to` but with ports (the usual DNS rule) is not.
 * - Lateral movement: shortest allowed path from any internet-exposed
 *   workload to each workload with risky RBAC (given by the RBAC analysis) or
 *   mounted Secrets; one finding per target.
 */
import { findingFor } from '../../../core/check.js';
import type { Finding } from '../../../core/types.js';
import { locationOf } from '../input/index.js';
import { hasPublicAddress } from './cidr.js';
import {
  allowAllRuleCheck,
  egressAnywhereCheck,
  lateralMovementCheck,
  noDefaultDenyEgressCheck,
  noDefaultDenyIngressCheck,
  noEgressPolicyCheck,
  noIngressPolicyCheck,
  selectsNothingCheck,
  sensitivePortCheck,
  SENSITIVE_PORTS,
} from './checks.js';
import { classConn, computeConnectivity, type Connectivity } from './connectivity.js';
import { decide, type Trace } from './evaluate.js';
import { describeWorkload, exposedWorkloads, secretsOf } from './exposure.js';
import { endpointText } from './render.js';
import { ConnTable, connText, hasPort, portSet } from './ports.js';
import { isEverything } from '../input/selector.js';
import type { Direction, NetworkModel, Policy, Rule, Workload } from './types.js';

export interface NetpolFindingOptions {
  /** Workloads with risky RBAC, by `ns/name/Kind`, with the reasons (from the RBAC analysis). */
  riskyWorkloads?: ReadonlyMap<string, string[]>;
  /** Reuse a computed connectivity. */
  connectivity?: Connectivity;
}

export function netpolFindings(model: NetworkModel, options: NetpolFindingOptions = {}): Finding[] {
  const c = options.connectivity ?? computeConnectivity(model);
  return [...coverageFindings(model, c), ...namespaceFindings(model), ...policyFindings(model), ...sensitivePortFindings(model, c), ...lateralMovementFindings(model, c, options.riskyWorkloads)];
}

const isolated = (c: Connectivity, cls: number, dir: Direction) => {
  const r = c.rules[dir][cls]!;
  return r.isolatedBy.length > 0 || r.admin.length > 0 || r.baseline.length > 0;
};

function coverageFindings(model: NetworkModel, c: Connectivity): Finding[] {
  const out: Finding[] = [];
  for (const w of model.workloads) {
    const at = locationOf(w.object, [...w.pod.metadataPath, 'labels']);
    if (!isolated(c, w.classId, 'ingress')) out.push(findingFor(noIngressPolicyCheck, at, { evidence: `no NetworkPolicy or admin network policy selects ${describeWorkload(w)} for ingress: every pod and address may connect to it` }));
    if (!isolated(c, w.classId, 'egress')) out.push(findingFor(noEgressPolicyCheck, at, { evidence: `no NetworkPolicy or admin network policy selects ${describeWorkload(w)} for egress: it may connect anywhere` }));
  }
  return out;
}

const allPodsPeer = (r: Rule) => r.specs.some((s) => s.kind === 'pods' && !('only' in s.namespaces) && isEverything(s.namespaces) && isEverything(s.pods));

function deniesAll(p: Policy, dir: Direction): boolean {
  if (p.kind === 'NP') return p[dir]?.length === 0;
  return (p[dir] ?? []).some((r) => r.action === 'Deny' && r.ports.any && (r.peers.all || allPodsPeer(r)));
}

function namespaceFindings(model: NetworkModel): Finding[] {
  const out: Finding[] = [];
  const withWorkloads = new Set(model.workloads.map((w) => w.namespace));
  for (const ns of [...model.namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!ns.object && !withWorkloads.has(ns.name)) continue;
    const at = ns.object ? locationOf(ns.object, ['metadata', 'name']) : locationOf(ns.firstObject!, ['metadata', 'namespace']);
    const candidates = [...model.networkPolicies.filter((p) => p.namespace === ns.name), ...model.adminPolicies, ...model.baselinePolicies].filter((p) => p.selectsUnlabeledIn(ns));
    for (const [dir, check] of [['ingress', noDefaultDenyIngressCheck], ['egress', noDefaultDenyEgressCheck]] as const) {
      if (candidates.some((p) => deniesAll(p, dir))) continue;
      out.push(findingFor(check, at, { evidence: `namespace ${ns.name}: no policy isolates all of its pods for ${dir} (a NetworkPolicy with podSelector: {} and policyTypes: [${dir === 'ingress' ? 'Ingress' : 'Egress'}])` }));
    }
  }
  return out;
}

function rulesOf(p: Policy): Rule[] {
  return [...(p.ingress ?? []), ...(p.egress ?? [])];
}

function policyFindings(model: NetworkModel): Finding[] {
  const out: Finding[] = [];
  const withWorkloads = new Map<string, number>();
  for (const w of model.workloads) withWorkloads.set(w.namespace, (withWorkloads.get(w.namespace) ?? 0) + 1);
  for (const p of [...model.networkPolicies, ...model.adminPolicies, ...model.baselinePolicies]) {
    const pool = p.kind === 'NP' ? (withWorkloads.get(p.namespace!) ?? 0) : model.workloads.length;
    if (pool > 0 && p.subject.isEmpty()) {
      const scope = p.kind === 'NP' ? `the ${pool} workload(s) in namespace ${p.namespace}` : `the ${pool} workload(s) of the input`;
      out.push(findingFor(selectsNothingCheck, locationOf(p.object, p.subjectPath), { evidence: `${p.kind} ${p.label} selects none of ${scope}` }));
    }
    for (const r of rulesOf(p)) {
      const allPods = allPodsPeer(r);
      const where = `${p.kind} ${p.label} ${r.direction}[${r.index}]`;
      if (r.ports.any && ((p.kind === 'NP' && r.openPeers) || (p.kind !== 'NP' && r.action === 'Allow' && allPods))) {
        const what = r.direction === 'ingress' ? 'every source' : 'every destination';
        out.push(findingFor(allowAllRuleCheck, locationOf(p.object, r.path), { evidence: `${where} allows ${p.kind === 'NP' ? what : `${what} in the cluster`} on every port and protocol` }));
      }
      if (r.direction !== 'egress' || r.action !== 'Allow') continue;
      for (const s of r.specs) {
        if (s.kind !== 'cidr' || s.cidr.prefix !== 0) continue;
        const except = s.except.length ? ` except ${s.except.length} range(s)` : '';
        const ports = r.ports.any ? 'every port' : r.ports.named.length ? `${connText(model.conns.get(r.ports.numeric))} and named ports ${r.ports.named.map((n) => n.name).join(',')}` : connText(model.conns.get(r.ports.numeric));
        out.push(findingFor(egressAnywhereCheck, locationOf(p.object, s.path), { evidence: `${where} allows egress to ${s.cidr.family === 4 ? '0.0.0.0/0' : '::/0'}${except} on ${ports}` }));
      }
    }
  }
  return out;
}

function sensitivePortFindings(model: NetworkModel, c: Connectivity): Finding[] {
  const out: Finding[] = [];
  const C = model.classes.length;
  const t = model.conns;
  const publicAtoms = model.atoms.map((a, i) => (hasPublicAddress(a) ? i : -1)).filter((i) => i >= 0);
  for (const cls of model.classes) {
    const row = c.ingress[cls.id]!;
    let open = ConnTable.EMPTY;
    for (const a of publicAtoms) open = t.union(open, row[C + a]!);
    if (open === ConnTable.EMPTY) continue;
    const openSet = t.get(open);
    const rules = c.rules.ingress[cls.id]!;
    const explicitPorts = new Set<number>();
    for (const r of [...rules.admin, ...rules.np, ...rules.baseline]) for (const e of r.ports.explicit) if (e.protocol === 'TCP' && e.endPort === undefined) explicitPorts.add(e.port);
    for (const wid of cls.workloads) {
      const w = model.workloads[wid]!;
      const reported = new Set<number>();
      const candidates = [...w.ports.filter((p) => p.protocol === 'TCP').map((p) => ({ port: p.port, path: p.path })), ...[...explicitPorts].map((port) => ({ port, path: undefined }))];
      for (const { port, path } of candidates) {
        const service = SENSITIVE_PORTS.get(port);
        if (!service || reported.has(port) || !hasPort(openSet, 'TCP', port)) continue;
        reported.add(port);
        const universe = t.intern(portSet('TCP', port));
        const atom = publicAtoms.find((a) => t.intersect(row[C + a]!, universe) !== ConnTable.EMPTY)!;
        const trace: Trace = { decisions: [], defaulted: ConnTable.EMPTY };
        decide(model, rules, { atom }, cls.id, universe, trace);
        const why = trace.decisions.filter((d) => d.action !== 'Deny').map((d) => `${d.kind} ${d.policy.label}${d.rule ? ` ingress[${d.rule.index}]` : ''} (${d.action})`);
        if (trace.defaulted !== ConnTable.EMPTY) why.push('not isolated for ingress');
        const from = c.externalIn[cls.id]!.filter((g) => hasPort(t.get(g.conn), 'TCP', port)).map((g) => endpointText(g.block)).slice(0, 3);
        out.push(
          findingFor(sensitivePortCheck, locationOf(w.object, path ?? [...w.pod.metadataPath, 'labels']), {
            evidence: `${describeWorkload(w)}: TCP ${port} (${service}) reachable from ${from.join('; ')}: ${why.join(', ')}`,
          }),
        );
      }
    }
  }
  return out;
}

function lateralMovementFindings(model: NetworkModel, c: Connectivity, risky: ReadonlyMap<string, string[]> | undefined): Finding[] {
  const exposed = exposedWorkloads(model);
  if (!exposed.size) return [];
  const targets = model.workloads
    .map((w) => ({ w, why: [...(risky?.get(w.key) ?? []).map((r) => `risky RBAC: ${r}`), ...secretsOf(w)] }))
    .filter((x) => x.why.length > 0);
  if (!targets.length) return [];
  // Multi-source BFS over pod classes from every class holding an exposed workload.
  const C = model.classes.length;
  const parent = new Int32Array(C).fill(-2);
  const entry = new Map<number, Workload>();
  const queue: number[] = [];
  for (const id of [...exposed.keys()].sort((a, b) => a - b)) {
    const cls = model.workloads[id]!.classId;
    if (parent[cls] !== -2) continue;
    parent[cls] = -1;
    entry.set(cls, model.workloads[id]!);
    queue.push(cls);
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    for (let d = 0; d < C; d++) {
      if (parent[d] !== -2 || classConn(c, s, d) === ConnTable.EMPTY) continue;
      parent[d] = s;
      queue.push(d);
    }
  }
  const out: Finding[] = [];
  for (const { w, why } of targets) {
    if (parent[w.classId] === -2) continue;
    const chain: number[] = [];
    for (let x = w.classId; x !== -1; x = parent[x]!) chain.unshift(x);
    const hops = chain.map((cls, i) => (i === chain.length - 1 ? w : i === 0 ? entry.get(cls)! : model.workloads[model.classes[cls]!.workloads[0]!]!));
    const start = hops[0]!;
    const via = exposed.get(start.id)!.map((e) => e.reason).join(', ');
    const steps = [`internet -> ${via} -> ${describeWorkload(start)}`];
    for (let i = 1; i < hops.length; i++) steps.push(`${describeWorkload(hops[i]!)} (${connText(t(c, chain[i - 1]!, chain[i]!))})`);
    const self = hops.length === 1;
    out.push(
      findingFor(lateralMovementCheck, locationOf(w.object, ['metadata', 'name']), {
        ...(self ? { title: 'Internet-exposed workload holds Secrets or risky RBAC permissions' } : {}),
        evidence: `${steps.join(' -> ')}; ${describeWorkload(w)} holds ${why.join('; ')}`,
      }),
    );
  }
  return out;
}

const t = (c: Connectivity, s: number, d: number) => c.model.conns.get(classConn(c, s, d));
