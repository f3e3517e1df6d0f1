import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../api/types.js';
import { edgePath, layoutConnectivity, peerKey, portsLabel } from './netLayout.js';

const web = { namespace: 'shop', name: 'web', kind: 'Deployment' };
const db = { namespace: 'data', name: 'db', kind: 'StatefulSet' };
const api = { namespace: 'shop', name: 'api', kind: 'Deployment' };
const net = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] };

const sample: Connection[] = [
  { src: web, dst: api, conn: [{ protocol: 'TCP', port: 8080 }] },
  { src: api, dst: db, conn: [{ protocol: 'TCP', port: 5432 }, { protocol: 'UDP', port: 1000, endPort: 1010 }] },
  { src: web, dst: net, conn: 'all' },
];

describe('layoutConnectivity', () => {
  it('puts namespaces in sorted columns and CIDRs last', () => {
    const l = layoutConnectivity(sample);
    expect(l.groups.map((g) => g.name)).toEqual(['data', 'shop', 'external (CIDR)']);
    const pos = Object.fromEntries(l.nodes.map((n) => [n.label, n]));
    expect(pos.db!.x).toBeLessThan(pos.api!.x);
    expect(pos.api!.x).toBe(pos.web!.x);
    expect(pos.api!.y).toBeLessThan(pos.web!.y);
    expect(pos['0.0.0.0/0']!.external).toBe(true);
    expect(pos['0.0.0.0/0']!.x).toBeGreaterThan(pos.web!.x);
    expect(l.edges.map((e) => e.label).sort()).toEqual(['TCP 5432, UDP 1000-1010', 'TCP 8080', 'all ports']);
  });
  it('is deterministic whatever the input order, and every edge has both ends', () => {
    const conn = fc.record({
      src: fc.record({ namespace: fc.constantFrom('a', 'b', 'c'), name: fc.constantFrom('x', 'y'), kind: fc.constant('Pod') }),
      dst: fc.oneof(
        fc.record({ namespace: fc.constantFrom('a', 'b'), name: fc.constantFrom('x', 'z'), kind: fc.constant('Pod') }),
        fc.record({ cidr: fc.constantFrom('1.2.3.0/24', '0.0.0.0/0') }),
      ),
      conn: fc.constant('all' as const),
    });
    fc.assert(
      fc.property(fc.array(conn, { maxLength: 15 }), (cs) => {
        const a = layoutConnectivity(cs);
        const b = layoutConnectivity([...cs].reverse());
        const keys = new Set(a.nodes.map((n) => n.key));
        const overlap = new Set(a.nodes.map((n) => `${n.x},${n.y}`)).size === a.nodes.length;
        return JSON.stringify(a.nodes) === JSON.stringify(b.nodes) && a.edges.every((e) => keys.has(e.from) && keys.has(e.to)) && overlap;
      }),
      { numRuns: 100 },
    );
  });
  it('handles no connections', () => {
    const l = layoutConnectivity([]);
    expect(l.nodes).toEqual([]);
    expect(l.width).toBeGreaterThan(0);
  });
});

describe('labels and edges', () => {
  it('names peers and ports', () => {
    expect(peerKey(web)).toBe('pod:shop/Deployment/web');
    expect(peerKey(net)).toBe('cidr:0.0.0.0/0 except 10.0.0.0/8');
    expect(portsLabel([])).toBe('none');
    expect(portsLabel([{ protocol: 'udp' }])).toBe('UDP any');
  });
  it('draws left-to-right edges from the right side to the left side', () => {
    const l = layoutConnectivity(sample);
    const n = (label: string) => l.nodes.find((x) => x.label === label)!;
    expect(edgePath(n('db'), n('web')).startsWith(`M${n('db').x + 180} `)).toBe(true);
    expect(edgePath(n('web'), n('db')).startsWith(`M${n('web').x} `)).toBe(true);
  });
});
