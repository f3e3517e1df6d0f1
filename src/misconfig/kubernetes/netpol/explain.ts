/**
 * `bulkhead k8s netpol --from ns/app --to ns/db [--port 5432]`: is the
 * connection allowed, and which policy rules decide each direction.
 *
 * An endpoint is `ns/name` (a workload of any kind with that name in that
 * namespace; ambiguous names are an error listing the candidates),
 * `ns/name/Kind` or `ns/name[Kind]`, a bare `name` (namespace `default`), or
 * an IP address for an external peer.
 */
import { BulkheadError } from '../../../core/errors.js';
import type { K8sObjectRef, Location } from '../../../core/types.js';
import { locationOf } from '../input/index.js';
import { atomOfIp, formatIp, parseIp } from './cidr.js';
import { endpointOf, type Endpoint } from './connectivity.js';
import { decide, directionRules, type Peer, type Trace } from './evaluate.js';
import { endpointText } from './render.js';
import { ConnTable, connJson, connText, portSet, type ConnJson, type Protocol } from './ports.js';
import type { NetworkModel, RuleAction, Workload } from './types.js';

export interface ExplainQuery {
  from: string;
  to: string;
  port?: number;
  /** Default TCP when a port is given; every protocol otherwise. */
  protocol?: Protocol;
}

export interface PolicyDecision {
  kind: 'ANP' | 'NP' | 'BANP';
  /** `ns/name` for NetworkPolicies, the name otherwise. */
  policy: string;
  ref: K8sObjectRef;
  /** Index in the policy's ingress/egress list; -1: the policy isolates the pod and none of its rules allows the connection. */
  rule: number;
  ruleName?: string;
  action: RuleAction;
  /** What this decision covers. */
  conn: ConnJson;
  location: Location;
}

export interface DirectionExplanation {
  allowed: boolean;
  conn: ConnJson;
  decidedBy: PolicyDecision[] | 'not isolated';
  /** Connections no rule decided and the pod is not isolated for: allowed by default. */
  defaulted?: ConnJson;
}

export interface Explanation {
  from: Endpoint;
  to: Endpoint;
  port?: number;
  protocol?: Protocol;
  allowed: boolean;
  conn: ConnJson;
  egress: DirectionExplanation;
  ingress: DirectionExplanation;
}

type Resolved = { workload: Workload } | { atom: number; endpoint: Endpoint };

function resolve(model: NetworkModel, text: string, flag: string): Resolved {
  const ip = parseIp(text.trim());
  if (ip) {
    const atom = atomOfIp(model.atoms, ip.family, ip.value);
    if (atom < 0) throw new BulkheadError('USAGE', `${flag} ${text}: IPv6 addresses are not modeled for this input`, { hint: 'name an IPv4 address, or a workload as ns/name' });
    return { atom, endpoint: { cidr: `${formatIp(ip.family, ip.value)}/${ip.family === 4 ? 32 : 128}`, except: [] } };
  }
  const m = /^(?:([^/[\]]+)\/)?([^/[\]]+)(?:\/([^/[\]]+)|\[([^/[\]]+)\])?$/.exec(text.trim());
  if (!m) throw new BulkheadError('USAGE', `${flag} "${text}" is not a workload or an IP address`, { hint: 'write ns/name, ns/name/Kind or an IP address' });
  const namespace = m[1] ?? 'default';
  const name = m[2]!;
  const kind = m[3] ?? m[4];
  const found = model.workloads.filter((w) => w.namespace === namespace && w.name === name && (!kind || w.kind === kind));
  if (found.length === 1) return { workload: found[0]! };
  if (found.length > 1) {
    throw new BulkheadError('USAGE', `${flag} ${text} is ambiguous: ${found.map((w) => `${w.namespace}/${w.name}/${w.kind}`).join(', ')}`, { hint: 'add the kind: ns/name/Kind' });
  }
  const inNs = model.workloads.filter((w) => w.namespace === namespace).slice(0, 20);
  throw new BulkheadError('USAGE', `${flag} ${text}: no workload ${name}${kind ? ` of kind ${kind}` : ''} in namespace ${namespace}`, {
    hint: inNs.length ? `workloads in ${namespace}: ${inNs.map((w) => `${w.name}/${w.kind}`).join(', ')}` : `the input has no workload in namespace ${namespace}`,
  });
}

export function explain(model: NetworkModel, query: ExplainQuery): Explanation {
  const from = resolve(model, query.from, '--from');
  const to = resolve(model, query.to, '--to');
  if (!('workload' in from) && !('workload' in to)) throw new BulkheadError('USAGE', 'both --from and --to are external addresses', { hint: 'name a workload on at least one side' });
  if (query.port !== undefined && (!Number.isInteger(query.port) || query.port < 1 || query.port > 65535)) {
    throw new BulkheadError('USAGE', `--port ${query.port} is not 1-65535`, { hint: 'give a port number' });
  }
  const t = model.conns;
  const universe = query.port !== undefined ? t.intern(portSet(query.protocol ?? 'TCP', query.port)) : query.protocol ? t.intern(portSet(query.protocol)) : ConnTable.ALL;
  const rules = directionRules(model);
  const peerOf = (r: Resolved): Peer => ('workload' in r ? { cls: r.workload.classId } : { atom: r.atom });
  const dstClass = 'workload' in to ? to.workload.classId : -1;

  const direction = (self: Resolved, dir: 'egress' | 'ingress', peer: Peer): { id: number; explanation: DirectionExplanation } => {
    if (!('workload' in self)) return { id: universe, explanation: { allowed: universe !== ConnTable.EMPTY, conn: connJson(t.get(universe)), decidedBy: 'not isolated' } };
    const trace: Trace = { decisions: [], defaulted: ConnTable.EMPTY };
    const id = decide(model, rules[dir][self.workload.classId]!, peer, dstClass, universe, trace);
    const explanation: DirectionExplanation = {
      allowed: id !== ConnTable.EMPTY,
      conn: connJson(t.get(id)),
      decidedBy: trace.decisions.length
        ? trace.decisions.map((d) => ({
            kind: d.kind,
            policy: d.policy.label,
            ref: d.policy.object.ref,
            rule: d.rule ? d.rule.index : -1,
            ...(d.rule?.name ? { ruleName: d.rule.name } : {}),
            action: d.action,
            conn: connJson(t.get(d.conn)),
            location: locationOf(d.policy.object, d.rule ? d.rule.path : d.policy.subjectPath),
          }))
        : 'not isolated',
    };
    if (trace.decisions.length && trace.defaulted !== ConnTable.EMPTY) explanation.defaulted = connJson(t.get(trace.defaulted));
    return { id, explanation };
  };

  const eg = direction(from, 'egress', peerOf(to));
  const ing = direction(to, 'ingress', peerOf(from));
  const both = t.intersect(eg.id, ing.id);
  const endpoint = (r: Resolved): Endpoint => ('workload' in r ? endpointOf(r.workload) : r.endpoint);
  return {
    from: endpoint(from),
    to: endpoint(to),
    ...(query.port !== undefined ? { port: query.port } : {}),
    ...(query.port !== undefined || query.protocol ? { protocol: query.protocol ?? 'TCP' } : {}),
    allowed: both !== ConnTable.EMPTY,
    conn: connJson(t.get(both)),
    egress: eg.explanation,
    ingress: ing.explanation,
  };
}

export function renderExplanation(e: Explanation): string {
  const what = e.port !== undefined ? ` ${e.protocol} ${e.port}` : e.protocol ? ` ${e.protocol}` : '';
  const lines = [`${endpointText(e.from)} => ${endpointText(e.to)}${what}: ${e.allowed ? `ALLOWED (${connText(e.conn)})` : 'DENIED'}`];
  const dir = (name: string, who: Endpoint, d: DirectionExplanation) => {
    lines.push(`  ${name} of ${endpointText(who)}: ${d.allowed ? `allows ${connText(d.conn)}` : 'denies'}`);
    if (d.decidedBy === 'not isolated') {
      lines.push('cidr' in who ? '    external address: no policy applies to it' : '    not isolated: no policy selects it for this direction');
      return;
    }
    for (const x of d.decidedBy) {
      const rule = x.rule < 0 ? 'selects the pod, no rule allows' : `${name}[${x.rule}]${x.ruleName ? ` "${x.ruleName}"` : ''}`;
      lines.push(`    ${x.kind} ${x.policy} ${rule}: ${x.action} ${connText(x.conn)} (${x.location.path}:${x.location.startLine})`);
    }
    if (d.defaulted) lines.push(`    otherwise not isolated: ${connText(d.defaulted)} allowed by default`);
  };
  dir('egress', e.from, e.egress);
  dir('ingress', e.to, e.ingress);
  return `${lines.join('\n')}\n`;
}
