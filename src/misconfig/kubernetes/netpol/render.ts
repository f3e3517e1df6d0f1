/**
 * Connectivity renderers: JSON (the shape), text (one connection a
 * line), Graphviz DOT and Mermaid. Pure functions of the connectivity; order
 * is the order of `connectionsOf` (deterministic). Names come from untrusted
 * manifests, so every label is escaped for its format.
 *
 * A cluster without policies has a connection for every pair of workloads
 * (4 million for 2,000 workloads), more text than one JavaScript string can
 * hold: `renderConnectivityChunks` yields the output in pieces of about 64
 * KiB for the CLI to write as they come; `renderConnectivity` joins them for
 * small outputs.
 */
import { connectionsOf, endpointOfRef, rawConnectionsOf, type Connection, type Connectivity, type Endpoint, type EndpointRef, type ExternalGroup } from './connectivity.js';
import { connJson, connText, type ConnJson } from './ports.js';
import type { Workload } from './types.js';

export const CONNECTIVITY_FORMATS = ['json', 'text', 'dot', 'mermaid'] as const;
export type ConnectivityFormat = (typeof CONNECTIVITY_FORMATS)[number];

/**
 * Every connection in the JSON shape, for the scan result. A cluster without
 * policies has one per pair of workloads (millions), so the endpoint of a
 * workload and the port list of a connection set are built once and shared
 * by every connection that names them: read-only, like the rest of a result.
 */
export function connectivityJson(c: Connectivity): { connections: Connection[] } {
  const t = c.model.conns;
  const workloads = new Map<Workload, Endpoint>();
  const conns = new Map<number, ConnJson>();
  const endpoint = (r: EndpointRef): Endpoint => {
    if (!('workload' in r)) return endpointOfRef(r);
    let e = workloads.get(r.workload);
    if (!e) workloads.set(r.workload, (e = endpointOfRef(r)));
    return e;
  };
  const connections: Connection[] = [];
  for (const r of rawConnectionsOf(c)) {
    let conn = conns.get(r.conn);
    if (conn === undefined) conns.set(r.conn, (conn = connJson(t.get(r.conn))));
    connections.push({ src: endpoint(r.src), dst: endpoint(r.dst), conn });
  }
  return { connections };
}

const isExternal = (e: Endpoint): e is { cidr: string; except: string[] } => 'cidr' in e;

// Control characters would let a hostile name forge lines of the text output.
function printable(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      let out = '';
      for (const ch of s) {
        const c = ch.charCodeAt(0);
        out += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
      }
      return out;
    }
  }
  return s;
}

/** `ns/name[Kind]`, or `10.0.0.0/8` / `0.0.0.0/0 except 10.0.0.0/8,192.168.0.0/16`. */
export function endpointText(e: Endpoint): string {
  if (isExternal(e)) return e.except.length ? `${e.cidr} except ${e.except.join(',')}` : e.cidr;
  return printable(`${e.namespace}/${e.name}[${e.kind}]`);
}

export function connectionLine(x: Connection): string {
  return `${endpointText(x.src)} => ${endpointText(x.dst)} : ${connText(x.conn)}`;
}

/** Texts computed once per workload, external block and connection set. */
class TextCache {
  private readonly workloads = new Map<Workload, string>();
  private readonly blocks = new Map<ExternalGroup, string>();
  private readonly conns = new Map<number, string>();
  constructor(private readonly c: Connectivity) {}
  endpoint(r: EndpointRef): string {
    if ('workload' in r) {
      let t = this.workloads.get(r.workload);
      if (t === undefined) this.workloads.set(r.workload, (t = endpointText({ namespace: r.workload.namespace, name: r.workload.name, kind: r.workload.kind })));
      return t;
    }
    let t = this.blocks.get(r.external);
    if (t === undefined) this.blocks.set(r.external, (t = endpointText(r.external.block)));
    return t;
  }
  conn(id: number): string {
    let t = this.conns.get(id);
    if (t === undefined) this.conns.set(id, (t = connText(this.c.model.conns.get(id))));
    return t;
  }
}

const CHUNK = 64 * 1024;

/** Collects pieces and hands them out in ~64 KiB chunks. */
class Chunker {
  private parts: string[] = [];
  private size = 0;
  push(s: string): string | undefined {
    this.parts.push(s);
    this.size += s.length;
    return this.size >= CHUNK ? this.take() : undefined;
  }
  take(): string {
    const out = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return out;
  }
}

export function* renderConnectivityChunks(c: Connectivity, format: ConnectivityFormat): Generator<string> {
  const out = new Chunker();
  const emit = function* (s: string) {
    const chunk = out.push(s);
    if (chunk !== undefined) yield chunk;
  };
  switch (format) {
    case 'json': {
      // The same text as JSON.stringify({connections}, null, 2), one connection at a time.
      let first = true;
      yield* emit('{\n  "connections": [');
      for (const x of connectionsOf(c)) {
        yield* emit(`${first ? '\n' : ',\n'}    ${JSON.stringify(x, null, 2).replace(/\n/g, '\n    ')}`);
        first = false;
      }
      yield* emit(first ? ']\n}\n' : '\n  ]\n}\n');
      break;
    }
    case 'text': {
      const cache = new TextCache(c);
      for (const x of rawConnectionsOf(c)) yield* emit(`${cache.endpoint(x.src)} => ${cache.endpoint(x.dst)} : ${cache.conn(x.conn)}\n`);
      break;
    }
    case 'dot':
      yield* graph(c, dotSyntax, emit);
      break;
    case 'mermaid':
      yield* graph(c, mermaidSyntax, emit);
      break;
  }
  const rest = out.take();
  if (rest) yield rest;
}

export function renderConnectivity(c: Connectivity, format: ConnectivityFormat): string {
  return [...renderConnectivityChunks(c, format)].join('');
}

interface GraphSyntax {
  header: string[];
  footer: string[];
  groupStart(id: string, label: string): string;
  groupEnd: string;
  workload(id: string, label: string): string;
  external(id: string, label: string): string;
  edge(from: string, to: string, label: string): string;
}

const dotEscape = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')}"`;

const dotSyntax: GraphSyntax = {
  header: ['digraph connectivity {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'],
  footer: ['}'],
  groupStart: (id, label) => `  subgraph cluster_${id} {\n    label=${dotEscape(label)};`,
  groupEnd: '  }',
  workload: (id, label) => `    ${id} [label=${dotEscape(label)}];`,
  external: (id, label) => `  ${id} [label=${dotEscape(label)}, shape=ellipse, style=dashed];`,
  edge: (from, to, label) => `  ${from} -> ${to} [label=${dotEscape(label)}];`,
};

// Mermaid labels: quoted, with quotes and markup-significant characters as entity codes.
const mermaidEscape = (s: string) =>
  `"${s
    .replace(/[\r\n]+/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')}"`;

const mermaidSyntax: GraphSyntax = {
  header: ['flowchart LR'],
  footer: [],
  groupStart: (id, label) => `  subgraph ${id}[${mermaidEscape(label)}]`,
  groupEnd: '  end',
  workload: (id, label) => `    ${id}[${mermaidEscape(label)}]`,
  external: (id, label) => `  ${id}([${mermaidEscape(label)}])`,
  edge: (from, to, label) => `  ${from} -->|${mermaidEscape(label)}| ${to}`,
};

function* graph(c: Connectivity, s: GraphSyntax, emit: (s: string) => Generator<string>): Generator<string> {
  const line = (l: string) => emit(`${l}\n`);
  for (const h of s.header) yield* line(h);
  const byNs = new Map<string, Workload[]>();
  for (const w of c.model.workloads) {
    const list = byNs.get(w.namespace) ?? [];
    list.push(w);
    byNs.set(w.namespace, list);
  }
  let i = 0;
  for (const [ns, ws] of byNs) {
    yield* line(s.groupStart(`ns${i++}`, ns));
    for (const w of ws) yield* line(s.workload(`w${w.id}`, `${w.name}[${w.kind}]`));
    yield* line(s.groupEnd);
  }
  // External nodes are declared before the edges, numbered in order of first use (sources' egress
  // in workload order, then inbound ranges in output order: the same order the edges use them).
  const cache = new TextCache(c);
  const externalIds = new Map<string, string>();
  const register = (g: ExternalGroup) => {
    const text = cache.endpoint({ external: g });
    if (!externalIds.has(text)) externalIds.set(text, `x${externalIds.size}`);
  };
  for (const w of c.model.workloads) c.externalOut[w.classId]!.forEach(register);
  const inbound = c.model.workloads.flatMap((w) => c.externalIn[w.classId]!).sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  inbound.forEach(register);
  for (const [text, id] of externalIds) yield* line(s.external(id, text));
  const idOf = (r: EndpointRef) => ('workload' in r ? `w${r.workload.id}` : externalIds.get(cache.endpoint(r))!);
  for (const x of rawConnectionsOf(c)) yield* line(s.edge(idOf(x.src), idOf(x.dst), cache.conn(x.conn)));
  for (const f of s.footer) yield* line(f);
}

