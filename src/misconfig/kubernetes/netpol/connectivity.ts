/**
 * Allowed connectivity between workloads and to/from external address
 * ranges.
 *
 * Per pod class we compute one egress row (what it may send to every class
 * and every address atom) and one ingress row (what it may receive from
 * every class and atom); a connection between two classes is the
 * intersection of the source's egress and the destination's ingress. Rows
 * depend only on the rules that apply, so classes selected by the same
 * policies share one row (ingress rows with named ports also depend on the
 * destination's own ports). Cells are interned connection-set ids.
 *
 * External ranges: atoms with the same allowed connections to (or from) a
 * workload are merged and written as `{cidr, except}` blocks; a workload no
 * policy restricts talks to `0.0.0.0/0`. Replicas of one workload talking to
 * each other are not listed (a workload is never its own peer).
 */
import { rangesToBlocks, type ExternalBlock, type Family } from './cidr.js';
import { decide, directionRules, type DirectionRules } from './evaluate.js';
import { ConnTable, connJson, type ConnJson } from './ports.js';
import type { NetworkModel, Workload } from './types.js';

export interface WorkloadEndpoint {
  namespace: string;
  name: string;
  kind: string;
}

export type Endpoint = WorkloadEndpoint | ExternalBlock;

export interface Connection {
  src: Endpoint;
  dst: Endpoint;
  conn: ConnJson;
}

export interface ExternalGroup {
  block: ExternalBlock;
  family: Family;
  /** Sort key: family, then address, then prefix. */
  order: string;
  conn: number;
}

export interface ConnectivityStats {
  workloads: number;
  classes: number;
  policies: number;
  atoms: number;
  /** Distinct rows computed (egress + ingress). */
  rows: number;
  connSets: number;
  ms: number;
}

export interface Connectivity {
  model: NetworkModel;
  rules: { ingress: DirectionRules[]; egress: DirectionRules[] };
  /** Per class: conn ids to class j (index j) and to atom a (index classes + a). */
  egress: Int32Array[];
  /** Per class: conn ids from class j and from atom a. */
  ingress: Int32Array[];
  /** Per class: external blocks it may reach, sorted. */
  externalOut: ExternalGroup[][];
  /** Per class: external blocks that may reach it, sorted. */
  externalIn: ExternalGroup[][];
  stats: ConnectivityStats;
}

export function computeConnectivity(model: NetworkModel): Connectivity {
  const started = performance.now();
  const C = model.classes.length;
  const A = model.atoms.length;
  const rules = directionRules(model);
  const rowCache = new Map<string, Int32Array>();
  const blockCache = new Map<Int32Array, ExternalGroup[]>();
  let rows = 0;

  const row = (dir: 'ingress' | 'egress', cls: number): Int32Array => {
    const r = rules[dir][cls]!;
    // Ingress rows resolve named ports on their own class.
    const named = dir === 'ingress' && [...r.admin, ...r.np, ...r.baseline].some((x) => x.ports.named.length > 0);
    const key = `${dir}|${r.key}${named ? `|${cls}` : ''}`;
    let out = rowCache.get(key);
    if (out) return out;
    rows++;
    out = new Int32Array(C + A);
    if (r.key === '') out.fill(ConnTable.ALL);
    else {
      for (let j = 0; j < C; j++) out[j] = dir === 'egress' ? decide(model, r, { cls: j }, j) : decide(model, r, { cls: j }, cls);
      for (let a = 0; a < A; a++) out[C + a] = decide(model, r, { atom: a }, dir === 'egress' ? -1 : cls);
    }
    rowCache.set(key, out);
    return out;
  };

  const egress = model.classes.map((c) => row('egress', c.id));
  const ingress = model.classes.map((c) => row('ingress', c.id));
  const blocks = (r: Int32Array) => {
    let g = blockCache.get(r);
    if (!g) {
      g = externalGroups(model, r, C);
      blockCache.set(r, g);
    }
    return g;
  };
  const externalOut = egress.map(blocks);
  const externalIn = ingress.map(blocks);
  return {
    model,
    rules,
    egress,
    ingress,
    externalOut,
    externalIn,
    stats: {
      workloads: model.workloads.length,
      classes: C,
      policies: model.networkPolicies.length + model.adminPolicies.length + model.baselinePolicies.length,
      atoms: A,
      rows,
      connSets: model.conns.size,
      ms: Math.round(performance.now() - started),
    },
  };
}

function externalGroups(model: NetworkModel, r: Int32Array, C: number): ExternalGroup[] {
  const byConn = new Map<number, Map<Family, Array<{ lo: bigint; hi: bigint }>>>();
  model.atoms.forEach((atom, a) => {
    const id = r[C + a]!;
    if (id === ConnTable.EMPTY) return;
    let fam = byConn.get(id);
    if (!fam) byConn.set(id, (fam = new Map()));
    const list = fam.get(atom.family) ?? [];
    list.push({ lo: atom.lo, hi: atom.hi });
    fam.set(atom.family, list);
  });
  const out: ExternalGroup[] = [];
  for (const [conn, fams] of byConn) {
    for (const [family, ranges] of fams) {
      for (const block of rangesToBlocks(family, ranges)) out.push({ block, family, order: blockOrder(family, block), conn });
    }
  }
  return out.sort((x, y) => (x.order < y.order ? -1 : x.order > y.order ? 1 : 0));
}

function blockOrder(family: Family, b: ExternalBlock): string {
  const [addr, prefix] = b.cidr.split('/');
  // Sortable text: family, the address as fixed-width hex, the prefix length.
  const parts = family === 4 ? addr!.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join('') : expandV6(addr!);
  return `${family}:${parts}:${prefix!.padStart(3, '0')}:${b.except.join(',')}`;
}

function expandV6(addr: string): string {
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = addr.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.padStart(4, '0')).join('');
}

/** Allowed connections (conn id) from one class to another. */
export function classConn(c: Connectivity, src: number, dst: number): number {
  return c.model.conns.intersect(c.egress[src]![dst]!, c.ingress[dst]![src]!);
}

export const endpointOf = (w: Workload): WorkloadEndpoint => ({ namespace: w.namespace, name: w.name, kind: w.kind });

/** One end of a connection, before it is turned into output. */
export type EndpointRef = { workload: Workload } | { external: ExternalGroup };

export interface RawConnection {
  src: EndpointRef;
  dst: EndpointRef;
  /** Conn id. */
  conn: number;
}

/** Every allowed connection in output order: by source, then destination; workloads (namespace, name, kind) before external ranges. */
export function* rawConnectionsOf(c: Connectivity): Generator<RawConnection> {
  const { model } = c;
  const t = model.conns;
  const ws = model.workloads;
  for (const src of ws) {
    const e = c.egress[src.classId]!;
    const from = { workload: src };
    for (const dst of ws) {
      if (dst === src) continue;
      const id = t.intersect(e[dst.classId]!, c.ingress[dst.classId]![src.classId]!);
      if (id !== ConnTable.EMPTY) yield { src: from, dst: { workload: dst }, conn: id };
    }
    for (const g of c.externalOut[src.classId]!) yield { src: from, dst: { external: g }, conn: g.conn };
  }
  const inbound: Array<{ g: ExternalGroup; w: Workload }> = [];
  for (const w of ws) for (const g of c.externalIn[w.classId]!) inbound.push({ g, w });
  inbound.sort((x, y) => (x.g.order < y.g.order ? -1 : x.g.order > y.g.order ? 1 : x.w.id - y.w.id));
  for (const { g, w } of inbound) yield { src: { external: g }, dst: { workload: w }, conn: g.conn };
}

export const endpointOfRef = (r: EndpointRef): Endpoint => ('workload' in r ? endpointOf(r.workload) : r.external.block);

/** Every allowed connection in output order, in the JSON shape. */
export function* connectionsOf(c: Connectivity): Generator<Connection> {
  const t = c.model.conns;
  for (const r of rawConnectionsOf(c)) yield { src: endpointOfRef(r.src), dst: endpointOfRef(r.dst), conn: connJson(t.get(r.conn)) };
}
