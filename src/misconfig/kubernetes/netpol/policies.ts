/**
 * Reading policies into rules: NetworkPolicy (networking.k8s.io/v1),
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (policy.networking.k8s.io/v1alpha1). This step checks the spec the way the
 * API server validates it and keeps selectors and CIDRs; `model.ts` then
 * turns them into bitsets once every workload and address atom is known.
 *
 * Anything the API server would reject is a problem beside the results and
 * matches nothing (a rejected object does not exist in a cluster), except
 * AdminNetworkPolicy peers with no field we know: the API says to fail
 * closed, so those match nothing in Allow rules and everything in Deny and
 * Pass rules.
 */
import { asString, describeObject, getIn, isObject, type FieldPath, type K8sObject } from '../input/index.js';
import { parseCidr, type Cidr } from './cidr.js';
import { ConnTable, parseProtocol, portSet, type Protocol } from './ports.js';
import { matches, parseSelector, type Selector } from '../input/selector.js';
import type { ModelProblem, NamespaceInfo, PeerSpec, PolicyKind, PortMatcher, RuleAction } from './types.js';

export interface ParseContext {
  problems: ModelProblem[];
  conns: ConnTable;
}

export interface SubjectSpec {
  namespaces: Selector | { only: string };
  pods: Selector;
  path: FieldPath;
}

export interface RawRule {
  index: number;
  name?: string;
  action: RuleAction;
  /** `open`: a NetworkPolicy rule without from/to. */
  peers: PeerSpec[] | 'open';
  ports: PortMatcher;
  path: FieldPath;
}

export interface RawPolicy {
  kind: PolicyKind;
  object: K8sObject;
  namespace?: string;
  name: string;
  priority: number;
  subject: SubjectSpec;
  ingress?: RawRule[];
  egress?: RawRule[];
}

export function report(ctx: ParseContext, obj: K8sObject, path: FieldPath, message: string): void {
  const line = obj.locate(path).startLine;
  ctx.problems.push({ where: `${obj.file}:${line}`, object: describeObject(obj.ref), message });
}

function selectorAt(ctx: ParseContext, obj: K8sObject, path: FieldPath): Selector {
  const parsed = parseSelector(getIn(obj.data, path));
  if (parsed.problem) report(ctx, obj, path, `${path.join('.')}: ${parsed.problem}; it selects nothing`);
  return parsed.selector;
}

const has = (o: Record<string, unknown>, k: string) => o[k] !== undefined && o[k] !== null;

/** IANA service name, as container port names must be: up to 15 of [a-z0-9-], at least one letter. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

function npPorts(ctx: ParseContext, obj: K8sObject, path: FieldPath): PortMatcher {
  const list = getIn(obj.data, path);
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) return { numeric: ConnTable.ALL, named: [], any: true, explicit: [] };
  const none: PortMatcher = { numeric: ConnTable.EMPTY, named: [], any: false, explicit: [] };
  if (!Array.isArray(list)) {
    report(ctx, obj, path, 'ports must be a list; the rule matches no port');
    return none;
  }
  let numeric = ConnTable.EMPTY;
  const named: Array<{ name: string; protocol: Protocol }> = [];
  const explicit: Array<{ protocol: Protocol; port: number; endPort?: number }> = [];
  list.forEach((e, i) => {
    const at = [...path, i];
    if (!isObject(e)) return report(ctx, obj, at, 'a ports entry must be a mapping; ignored');
    const protocol = parseProtocol(e['protocol']);
    if (!protocol) return report(ctx, obj, [...at, 'protocol'], `protocol ${JSON.stringify(e['protocol'])} is not TCP, UDP or SCTP; entry ignored`);
    const port = e['port'];
    const endPort = e['endPort'];
    if (endPort !== undefined && endPort !== null) {
      if (typeof port !== 'number' || !validPort(port) || typeof endPort !== 'number' || !validPort(endPort) || endPort < port) {
        return report(ctx, obj, [...at, 'endPort'], 'endPort needs a numeric port and must not be below it; entry ignored');
      }
      numeric = ctx.conns.union(numeric, ctx.conns.intern(portSet(protocol, port, endPort)));
      explicit.push({ protocol, port, endPort });
      return;
    }
    if (port === undefined || port === null) {
      numeric = ctx.conns.union(numeric, ctx.conns.intern(portSet(protocol)));
      return;
    }
    if (typeof port === 'number') {
      if (!validPort(port)) return report(ctx, obj, [...at, 'port'], `port ${port} is not 1-65535; entry ignored`);
      numeric = ctx.conns.union(numeric, ctx.conns.intern(portSet(protocol, port)));
      explicit.push({ protocol, port });
      return;
    }
    if (typeof port === 'string' && PORT_NAME.test(port)) {
      named.push({ name: port, protocol });
      return;
    }
    report(ctx, obj, [...at, 'port'], `port ${JSON.stringify(port)} is neither a number nor a valid port name; entry ignored`);
  });
  return { numeric, named, any: false, explicit };
}

const validPort = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

function adminPorts(ctx: ParseContext, obj: K8sObject, path: FieldPath): PortMatcher {
  const list = getIn(obj.data, path);
  // Unset (or empty): the rule does not filter by port.
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) return { numeric: ConnTable.ALL, named: [], any: true, explicit: [] };
  if (!Array.isArray(list)) {
    report(ctx, obj, path, 'ports must be a list; the rule matches no port');
    return { numeric: ConnTable.EMPTY, named: [], any: false, explicit: [] };
  }
  let numeric = ConnTable.EMPTY;
  const named: Array<{ name: string }> = [];
  const explicit: Array<{ protocol: Protocol; port: number; endPort?: number }> = [];
  list.forEach((e, i) => {
    const at = [...path, i];
    if (!isObject(e)) return report(ctx, obj, at, 'a ports entry must be a mapping; ignored');
    const keys = ['portNumber', 'namedPort', 'portRange'].filter((k) => has(e, k));
    if (keys.length !== 1) return report(ctx, obj, at, 'a ports entry needs exactly one of portNumber, namedPort, portRange; ignored');
    if (keys[0] === 'namedPort') {
      const name = e['namedPort'];
      if (typeof name !== 'string' || !name) return report(ctx, obj, [...at, 'namedPort'], 'namedPort must be a name; ignored');
      named.push({ name });
      return;
    }
    const spec = e[keys[0]!];
    if (!isObject(spec)) return report(ctx, obj, [...at, keys[0]!], `${keys[0]} must be a mapping; ignored`);
    const protocol = parseProtocol(spec['protocol']);
    if (!protocol) return report(ctx, obj, [...at, keys[0]!, 'protocol'], 'protocol is not TCP, UDP or SCTP; entry ignored');
    if (keys[0] === 'portNumber') {
      if (!validPort(spec['port'])) return report(ctx, obj, [...at, 'portNumber', 'port'], 'port must be 1-65535; entry ignored');
      numeric = ctx.conns.union(numeric, ctx.conns.intern(portSet(protocol, spec['port'])));
      explicit.push({ protocol, port: spec['port'] });
    } else {
      const start = spec['start'];
      const end = spec['end'];
      if (!validPort(start) || !validPort(end) || end < start) return report(ctx, obj, [...at, 'portRange'], 'portRange needs start and end in 1-65535 with start <= end; entry ignored');
      numeric = ctx.conns.union(numeric, ctx.conns.intern(portSet(protocol, start, end)));
      explicit.push({ protocol, port: start, endPort: end });
    }
  });
  return { numeric, named, any: false, explicit };
}

function ipBlock(ctx: ParseContext, obj: K8sObject, path: FieldPath, block: unknown): PeerSpec | undefined {
  if (!isObject(block)) {
    report(ctx, obj, path, 'ipBlock must be a mapping; peer ignored');
    return undefined;
  }
  const cidr = parseCidr(block['cidr']);
  if (!cidr) {
    report(ctx, obj, [...path, 'cidr'], `ipBlock cidr ${JSON.stringify(block['cidr'] ?? null)} is not a CIDR; peer ignored`);
    return undefined;
  }
  const except: Cidr[] = [];
  const list = block['except'];
  if (list !== undefined && list !== null && !Array.isArray(list)) report(ctx, obj, [...path, 'except'], 'except must be a list; ignored');
  (Array.isArray(list) ? list : []).forEach((t, i) => {
    const c = parseCidr(t);
    if (!c || c.family !== cidr.family) return report(ctx, obj, [...path, 'except', i], `except entry ${JSON.stringify(t)} is not a CIDR of the same family; ignored`);
    except.push(c);
  });
  return { kind: 'cidr', cidr, except, path };
}

function npPeers(ctx: ParseContext, obj: K8sObject, namespace: string, path: FieldPath): PeerSpec[] | 'open' {
  const list = getIn(obj.data, path);
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) return 'open';
  if (!Array.isArray(list)) {
    report(ctx, obj, path, `${String(path[path.length - 1])} must be a list; the rule matches no peer`);
    return [];
  }
  const out: PeerSpec[] = [];
  list.forEach((p, i) => {
    const at = [...path, i];
    if (!isObject(p)) return report(ctx, obj, at, 'a peer must be a mapping; ignored');
    const hasPods = has(p, 'podSelector');
    const hasNs = has(p, 'namespaceSelector');
    if (has(p, 'ipBlock')) {
      if (hasPods || hasNs) return report(ctx, obj, at, 'ipBlock cannot be combined with podSelector or namespaceSelector; peer ignored');
      const b = ipBlock(ctx, obj, [...at, 'ipBlock'], p['ipBlock']);
      if (b) out.push(b);
      return;
    }
    if (!hasPods && !hasNs) return report(ctx, obj, at, 'a peer needs podSelector, namespaceSelector or ipBlock; ignored');
    const pods = hasPods ? selectorAt(ctx, obj, [...at, 'podSelector']) : parseSelector({}).selector;
    const namespaces = hasNs ? selectorAt(ctx, obj, [...at, 'namespaceSelector']) : { only: namespace };
    out.push({ kind: 'pods', namespaces, pods, path: at });
  });
  return out;
}

export function parseNetworkPolicy(ctx: ParseContext, obj: K8sObject): RawPolicy | undefined {
  const spec = obj.data['spec'];
  if (!isObject(spec)) {
    report(ctx, obj, ['spec'], 'NetworkPolicy has no spec; ignored');
    return undefined;
  }
  const namespace = obj.namespace ?? 'default';
  const pods = selectorAt(ctx, obj, ['spec', 'podSelector']);
  let types: string[];
  const given = spec['policyTypes'];
  if (Array.isArray(given) && given.length) {
    types = [];
    given.forEach((t, i) => {
      if (t === 'Ingress' || t === 'Egress') types.push(t);
      else report(ctx, obj, ['spec', 'policyTypes', i], `policyTypes entry ${JSON.stringify(t)} is not Ingress or Egress; ignored`);
    });
  } else {
    // The API server's default: Ingress always, Egress only when egress rules are present.
    types = ['Ingress'];
    if (Array.isArray(spec['egress']) && spec['egress'].length > 0) types.push('Egress');
  }
  const rules = (dir: 'ingress' | 'egress'): RawRule[] => {
    const list = spec[dir];
    if (list !== undefined && list !== null && !Array.isArray(list)) {
      report(ctx, obj, ['spec', dir], `${dir} must be a list; no ${dir} rule is read`);
      return [];
    }
    const out: RawRule[] = [];
    (Array.isArray(list) ? list : []).forEach((r, index) => {
      const path: FieldPath = ['spec', dir, index];
      if (r !== null && !isObject(r)) return report(ctx, obj, path, `${dir} rule must be a mapping; ignored`);
      out.push({
        index,
        action: 'Allow',
        peers: npPeers(ctx, obj, namespace, [...path, dir === 'ingress' ? 'from' : 'to']),
        ports: npPorts(ctx, obj, [...path, 'ports']),
        path,
      });
    });
    return out;
  };
  const policy: RawPolicy = {
    kind: 'NP',
    object: obj,
    namespace,
    name: obj.name,
    priority: 0,
    subject: { namespaces: { only: namespace }, pods, path: ['spec', 'podSelector'] },
  };
  if (types.includes('Ingress')) policy.ingress = rules('ingress');
  if (types.includes('Egress')) policy.egress = rules('egress');
  return policy;
}

function adminSubject(ctx: ParseContext, obj: K8sObject): SubjectSpec | undefined {
  const s = getIn(obj.data, ['spec', 'subject']);
  const path: FieldPath = ['spec', 'subject'];
  if (!isObject(s) || has(s, 'namespaces') === has(s, 'pods')) {
    report(ctx, obj, path, 'subject needs exactly one of namespaces or pods; policy ignored');
    return undefined;
  }
  if (has(s, 'namespaces')) return { namespaces: selectorAt(ctx, obj, [...path, 'namespaces']), pods: parseSelector({}).selector, path };
  return { namespaces: selectorAt(ctx, obj, [...path, 'pods', 'namespaceSelector']), pods: selectorAt(ctx, obj, [...path, 'pods', 'podSelector']), path };
}

function adminPeers(ctx: ParseContext, obj: K8sObject, path: FieldPath, action: RuleAction, egress: boolean): PeerSpec[] | undefined {
  const list = getIn(obj.data, path);
  if (!Array.isArray(list) || list.length === 0) {
    report(ctx, obj, path, `${String(path[path.length - 1])} must list at least one peer; rule ignored`);
    return undefined;
  }
  const out: PeerSpec[] = [];
  list.forEach((p, i) => {
    const at = [...path, i];
    const known = isObject(p) ? ['namespaces', 'pods', ...(egress ? ['networks', 'nodes'] : [])].filter((k) => has(p, k)) : [];
    if (!isObject(p) || known.length !== 1) {
      // The API asks consumers to fail closed on a peer they cannot read.
      report(ctx, obj, at, `peer has ${known.length ? 'more than one field' : 'no field this analysis knows'}; treated as ${action === 'Allow' ? 'matching nothing' : 'matching everything'} (fail closed)`);
      if (action !== 'Allow') out.push({ kind: 'everything', path: at });
      return;
    }
    const key = known[0]!;
    if (key === 'namespaces') out.push({ kind: 'pods', namespaces: selectorAt(ctx, obj, [...at, 'namespaces']), pods: parseSelector({}).selector, path: at });
    else if (key === 'pods') out.push({ kind: 'pods', namespaces: selectorAt(ctx, obj, [...at, 'pods', 'namespaceSelector']), pods: selectorAt(ctx, obj, [...at, 'pods', 'podSelector']), path: at });
    else if (key === 'nodes') report(ctx, obj, [...at, 'nodes'], 'nodes peers are not modeled (nodes are not workloads); the peer matches nothing here');
    else {
      const nets = p['networks'];
      (Array.isArray(nets) ? nets : []).forEach((t, j) => {
        const c = parseCidr(t);
        if (!c) return report(ctx, obj, [...at, 'networks', j], `network ${JSON.stringify(t)} is not a CIDR; ignored`);
        out.push({ kind: 'cidr', cidr: c, except: [], path: [...at, 'networks', j] });
      });
    }
  });
  return out;
}

export function parseAdminPolicy(ctx: ParseContext, obj: K8sObject, baseline: boolean): RawPolicy | undefined {
  const spec = obj.data['spec'];
  if (!isObject(spec)) {
    report(ctx, obj, ['spec'], `${obj.kind} has no spec; ignored`);
    return undefined;
  }
  let priority = 0;
  if (!baseline) {
    const p = spec['priority'];
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 1000) {
      report(ctx, obj, ['spec', 'priority'], 'priority must be an integer 0-1000; policy ignored');
      return undefined;
    }
    priority = p;
  } else if (obj.name !== 'default') {
    report(ctx, obj, ['metadata', 'name'], 'a BaselineAdminNetworkPolicy must be named "default"; the API server rejects others (evaluated anyway)');
  }
  const subject = adminSubject(ctx, obj);
  if (!subject) return undefined;
  const actions: RuleAction[] = baseline ? ['Allow', 'Deny'] : ['Allow', 'Deny', 'Pass'];
  const rules = (dir: 'ingress' | 'egress'): RawRule[] | undefined => {
    const list = spec[dir];
    if (list === undefined || list === null) return undefined;
    if (!Array.isArray(list)) {
      report(ctx, obj, ['spec', dir], `${dir} must be a list; ignored`);
      return undefined;
    }
    const out: RawRule[] = [];
    list.forEach((r, index) => {
      const path: FieldPath = ['spec', dir, index];
      if (!isObject(r)) return report(ctx, obj, path, 'a rule must be a mapping; ignored');
      const action = r['action'];
      if (typeof action !== 'string' || !actions.includes(action as RuleAction)) {
        return report(ctx, obj, [...path, 'action'], `action must be ${actions.join(', ')}; rule ignored`);
      }
      const peers = adminPeers(ctx, obj, [...path, dir === 'ingress' ? 'from' : 'to'], action as RuleAction, dir === 'egress');
      if (!peers) return;
      const name = asString(r['name']);
      out.push({ index, ...(name ? { name } : {}), action: action as RuleAction, peers, ports: adminPorts(ctx, obj, [...path, 'ports']), path });
    });
    return out.length ? out : undefined;
  };
  const policy: RawPolicy = { kind: baseline ? 'BANP' : 'ANP', object: obj, name: obj.name, priority, subject };
  const ingress = rules('ingress');
  const egress = rules('egress');
  if (ingress) policy.ingress = ingress;
  if (egress) policy.egress = egress;
  return policy;
}

export function namespaceMatches(spec: Selector | { only: string }, ns: NamespaceInfo): boolean {
  return 'only' in spec ? spec.only === ns.name : matches(spec, ns.labels);
}

/** Every CIDR of a policy (ipBlock cidr and except, ANP networks): the cut points of the address atoms. */
export function cidrsOf(p: RawPolicy): Cidr[] {
  const out: Cidr[] = [];
  for (const r of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
    if (r.peers === 'open') continue;
    for (const peer of r.peers) if (peer.kind === 'cidr') out.push(peer.cidr, ...peer.except);
  }
  return out;
}
