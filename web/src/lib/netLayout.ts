/**
 * Deterministic layout for the allowed-connectivity graph: one column per
 * namespace (sorted by name), external CIDRs in a last column, nodes sorted
 * by kind and name inside a column. Same input, same picture.
 */
import type { Connection, Peer, PortRange } from '../api/types.js';

export interface GraphNode {
  key: string;
  label: string;
  sublabel: string;
  group: string;
  external: boolean;
  x: number;
  y: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export interface GraphGroup {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  width: number;
  height: number;
}

export const LAYOUT = { colWidth: 220, colGap: 60, rowHeight: 56, header: 36, pad: 16, nodeWidth: 180, nodeHeight: 40 } as const;
const EXTERNAL_GROUP = 'external (CIDR)';

export function isCidr(p: Peer): p is { cidr: string; except?: string[] } {
  return typeof (p as { cidr?: unknown }).cidr === 'string';
}

export function peerKey(p: Peer): string {
  if (isCidr(p)) return `cidr:${p.cidr}${p.except?.length ? ` except ${[...p.except].sort().join(',')}` : ''}`;
  return `pod:${p.namespace}/${p.kind}/${p.name}`;
}

export function portsLabel(conn: Connection['conn']): string {
  if (conn === 'all') return 'all ports';
  if (!Array.isArray(conn) || conn.length === 0) return 'none';
  return conn.map(portLabel).join(', ');
}

function portLabel(p: PortRange): string {
  const proto = (p.protocol || 'TCP').toUpperCase();
  if (p.port === undefined) return `${proto} any`;
  return p.endPort !== undefined && p.endPort !== p.port ? `${proto} ${p.port}-${p.endPort}` : `${proto} ${p.port}`;
}

export function layoutConnectivity(connections: readonly Connection[]): GraphLayout {
  const peers = new Map<string, Peer>();
  const edgeMap = new Map<string, GraphEdge>();
  for (const c of connections) {
    const from = peerKey(c.src);
    const to = peerKey(c.dst);
    peers.set(from, c.src);
    peers.set(to, c.dst);
    const k = `${from}→${to}`;
    const label = portsLabel(c.conn);
    const prev = edgeMap.get(k);
    edgeMap.set(k, prev ? { ...prev, label: prev.label === label ? label : `${prev.label}; ${label}` } : { from, to, label });
  }
  const byGroup = new Map<string, Array<[string, Peer]>>();
  for (const [key, p] of peers) {
    const g = isCidr(p) ? EXTERNAL_GROUP : p.namespace || '(cluster)';
    const list = byGroup.get(g) ?? [];
    list.push([key, p]);
    byGroup.set(g, list);
  }
  const names = [...byGroup.keys()].filter((g) => g !== EXTERNAL_GROUP).sort();
  if (byGroup.has(EXTERNAL_GROUP)) names.push(EXTERNAL_GROUP);

  const nodes: GraphNode[] = [];
  const groups: GraphGroup[] = [];
  let maxRows = 0;
  names.forEach((g, col) => {
    const members = byGroup.get(g)!.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    maxRows = Math.max(maxRows, members.length);
    const gx = LAYOUT.pad + col * (LAYOUT.colWidth + LAYOUT.colGap);
    members.forEach(([key, p], row) => {
      const x = gx + (LAYOUT.colWidth - LAYOUT.nodeWidth) / 2;
      const y = LAYOUT.pad + LAYOUT.header + row * LAYOUT.rowHeight;
      nodes.push(
        isCidr(p)
          ? { key, label: p.cidr, sublabel: p.except?.length ? `except ${p.except.join(', ')}` : 'external', group: g, external: true, x, y }
          : { key, label: p.name, sublabel: p.kind, group: g, external: false, x, y },
      );
    });
    groups.push({ name: g, x: gx, y: LAYOUT.pad, width: LAYOUT.colWidth, height: LAYOUT.header + members.length * LAYOUT.rowHeight });
  });
  const height = LAYOUT.pad * 2 + LAYOUT.header + maxRows * LAYOUT.rowHeight;
  groups.forEach((g) => (g.height = height - LAYOUT.pad * 2));
  const width = LAYOUT.pad * 2 + Math.max(1, names.length) * LAYOUT.colWidth + Math.max(0, names.length - 1) * LAYOUT.colGap;
  const edges = [...edgeMap.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
  return { nodes, edges, groups, width, height };
}

/** Cubic edge between two node boxes: right side to left side, or a loop-back when both are in one column. */
export function edgePath(a: GraphNode, b: GraphNode): string {
  const { nodeWidth: w, nodeHeight: h } = LAYOUT;
  const ay = a.y + h / 2;
  const by = b.y + h / 2;
  if (a.key === b.key) {
    const x = a.x + w;
    return `M${x} ${ay - 8} C${x + 40} ${ay - 30} ${x + 40} ${ay + 30} ${x} ${ay + 8}`;
  }
  if (Math.abs(a.x - b.x) < 1) {
    const x = a.x + w;
    const bend = x + 30 + Math.abs(by - ay) / 4;
    return `M${x} ${ay} C${bend} ${ay} ${bend} ${by} ${x} ${by}`;
  }
  const forward = b.x > a.x;
  const x1 = forward ? a.x + w : a.x;
  const x2 = forward ? b.x : b.x + w;
  const mid = (x1 + x2) / 2;
  return `M${x1} ${ay} C${mid} ${ay} ${mid} ${by} ${x2} ${by}`;
}
