/**
 * The verdict for one direction of one connection, in the order the
 * AdminNetworkPolicy API defines (sigs.k8s.io/network-policy-api, v1alpha1):
 *
 * 1. AdminNetworkPolicies whose subject holds the pod, lowest priority value
 *    first (ties by name: upstream leaves them undefined), rules in written
 *    order. The first rule matching the peer and port decides: Allow (allowed
 *    whatever NetworkPolicies say), Deny (denied), Pass (skip the remaining
 *    ANP rules, go to step 2).
 * 2. NetworkPolicies: if any selects the pod for this direction, the
 *    connection is allowed iff one of their rules allows it (default deny).
 * 3. Only when no NetworkPolicy selects the pod for this direction: the
 *    BaselineAdminNetworkPolicy rules in order; first match decides (Allow or
 *    Deny).
 * 4. Nothing decided: allowed (the pod is not isolated).
 *
 * Ports are decided independently: a rule for TCP 80 decides TCP 80 and
 * leaves the other ports to the rules after it, so a verdict is a set of
 * connections, not a boolean. A connection is allowed iff the source's
 * egress allows it and the destination's ingress allows it.
 */
import { ConnTable, portSet } from './ports.js';
import type { NetworkModel, Policy, Rule, RuleAction } from './types.js';

/** The rules that can decide one direction for one pod class. */
export interface DirectionRules {
  admin: Rule[];
  /** NetworkPolicies that select the class for this direction (it is isolated when there is one). */
  isolatedBy: Policy[];
  np: Rule[];
  baseline: Rule[];
  /** Equal keys: equal rules (classes share a computed row). */
  key: string;
}

/** For every class, the rules of each direction. */
export function directionRules(model: NetworkModel): { ingress: DirectionRules[]; egress: DirectionRules[] } {
  const make = (): DirectionRules[] => model.classes.map(() => ({ admin: [], isolatedBy: [], np: [], baseline: [], key: '' }));
  const out = { ingress: make(), egress: make() };
  const keys = { ingress: model.classes.map(() => [] as number[]), egress: model.classes.map(() => [] as number[]) };
  const add = (p: Policy, slot: 'admin' | 'np' | 'baseline') => {
    for (const dir of ['ingress', 'egress'] as const) {
      const rules = p[dir];
      if (!rules) continue;
      for (const cid of p.subject) {
        const d = out[dir][cid]!;
        if (slot === 'np') d.isolatedBy.push(p);
        d[slot].push(...rules);
        keys[dir][cid]!.push(p.id);
      }
    }
  };
  for (const p of model.adminPolicies) add(p, 'admin');
  for (const p of model.networkPolicies) add(p, 'np');
  for (const p of model.baselinePolicies) add(p, 'baseline');
  for (const dir of ['ingress', 'egress'] as const) out[dir].forEach((d, i) => (d.key = keys[dir][i]!.join(',')));
  return out;
}

/** The other end of the connection: a pod class, or an external address atom. */
export type Peer = { cls: number } | { atom: number };

export function peerMatches(rule: Rule, peer: Peer): boolean {
  if (rule.peers.all) return true;
  return 'cls' in peer ? rule.peers.pods.has(peer.cls) : rule.peers.atoms.has(peer.atom);
}

/** The rule's ports on a destination class (named ports resolve there); -1: an external destination (named ports match nothing). */
export function portsOn(model: NetworkModel, rule: Rule, dstClass: number): number {
  const m = rule.ports;
  if (m.any || m.named.length === 0 || dstClass < 0) return m.numeric;
  rule.portCache ??= new Int32Array(model.classes.length).fill(-1);
  const hit = rule.portCache[dstClass]!;
  if (hit >= 0) return hit;
  let id = m.numeric;
  for (const named of m.named) {
    for (const p of model.classes[dstClass]!.ports) {
      if (p.name === named.name && (named.protocol === undefined || named.protocol === p.protocol)) id = model.conns.union(id, model.conns.intern(portSet(p.protocol, p.port)));
    }
  }
  rule.portCache[dstClass] = id;
  return id;
}

export interface Decision {
  kind: 'ANP' | 'NP' | 'BANP';
  rule: Rule | undefined;
  /** For a NetworkPolicy that isolates the pod but has no rule for the connection. */
  policy: Policy;
  action: RuleAction;
  /** Conn id this decision covers. */
  conn: number;
}

export interface Trace {
  decisions: Decision[];
  /** Conn id allowed because nothing isolates the pod. */
  defaulted: number;
}

/**
 * Allowed connections (conn id) for one direction: `rules` of the pod the
 * direction belongs to, the `peer` at the other end, the class whose named
 * ports apply (`dstClass`, -1 for an external destination), within `universe`.
 */
export function decide(model: NetworkModel, rules: DirectionRules, peer: Peer, dstClass: number, universe: number = ConnTable.ALL, trace?: Trace): number {
  const t = model.conns;
  let undecided = universe;
  let allowed = ConnTable.EMPTY;
  let passed = ConnTable.EMPTY;
  for (const r of rules.admin) {
    if (!peerMatches(r, peer)) continue;
    const p = t.intersect(portsOn(model, r, dstClass), undecided);
    if (p === ConnTable.EMPTY) continue;
    if (r.action === 'Allow') allowed = t.union(allowed, p);
    else if (r.action === 'Pass') passed = t.union(passed, p);
    trace?.decisions.push({ kind: 'ANP', rule: r, policy: r.policy, action: r.action, conn: p });
    undecided = t.subtract(undecided, p);
    if (undecided === ConnTable.EMPTY) break;
  }
  let rest = t.union(undecided, passed);
  if (rest === ConnTable.EMPTY) return allowed;
  if (rules.isolatedBy.length) {
    let byNp = ConnTable.EMPTY;
    for (const r of rules.np) {
      if (!peerMatches(r, peer)) continue;
      const p = portsOn(model, r, dstClass);
      byNp = t.union(byNp, p);
      if (trace) {
        const q = t.intersect(p, rest);
        if (q !== ConnTable.EMPTY) trace.decisions.push({ kind: 'NP', rule: r, policy: r.policy, action: 'Allow', conn: q });
      }
    }
    const granted = t.intersect(rest, byNp);
    if (trace) {
      const denied = t.subtract(rest, byNp);
      if (denied !== ConnTable.EMPTY) for (const p of rules.isolatedBy) trace.decisions.push({ kind: 'NP', rule: undefined, policy: p, action: 'Deny', conn: denied });
    }
    return t.union(allowed, granted);
  }
  for (const r of rules.baseline) {
    if (!peerMatches(r, peer)) continue;
    const p = t.intersect(portsOn(model, r, dstClass), rest);
    if (p === ConnTable.EMPTY) continue;
    if (r.action === 'Allow') allowed = t.union(allowed, p);
    trace?.decisions.push({ kind: 'BANP', rule: r, policy: r.policy, action: r.action, conn: p });
    rest = t.subtract(rest, p);
    if (rest === ConnTable.EMPTY) return allowed;
  }
  if (trace) trace.defaulted = rest;
  return t.union(allowed, rest);
}

