import { describe, expect, it } from 'vitest';
import { objectsOfText } from '../input/index.js';
import { computeConnectivity } from './connectivity.js';
import { buildNetworkModel } from './model.js';
import { connectivityJson, renderConnectivity, renderConnectivityChunks } from './render.js';
import { analyzeFixture, semanticFixture } from './testdata/fixtures.js';

describe('connectivity renderers', () => {
  it('JSON: workloads as {namespace, name, kind}, external ranges as {cidr, except}', async () => {
    const { connectivity } = await analyzeFixture([semanticFixture('ipblock-except')]);
    expect(connectivityJson(connectivity)).toEqual({
      connections: [
        { src: { namespace: 't', name: 'a', kind: 'Pod' }, dst: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }, conn: [{ protocol: 'UDP', port: 53 }] },
        { src: { namespace: 't', name: 'a', kind: 'Pod' }, dst: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, conn: [{ protocol: 'TCP', port: 443 }] },
        { src: { namespace: 't', name: 'b', kind: 'Pod' }, dst: { cidr: '0.0.0.0/0', except: [] }, conn: 'all' },
        { src: { cidr: '0.0.0.0/0', except: [] }, dst: { namespace: 't', name: 'b', kind: 'Pod' }, conn: 'all' },
        { src: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] }, dst: { namespace: 't', name: 'a', kind: 'Pod' }, conn: [{ protocol: 'TCP', port: 8080 }] },
      ],
    });
    expect(JSON.parse(renderConnectivity(connectivity, 'json'))).toEqual(connectivityJson(connectivity));
  });

  it('DOT and Mermaid: namespaces as clusters, external ranges as their own nodes, labelled edges', async () => {
    const { connectivity } = await analyzeFixture([semanticFixture('intersection')]);
    expect(renderConnectivity(connectivity, 'dot')).toBe(
      [
        'digraph connectivity {',
        '  rankdir=LR;',
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  subgraph cluster_ns0 {',
        '    label="t";',
        '    w0 [label="a[Pod]"];',
        '    w1 [label="b[Pod]"];',
        '    w2 [label="c[Pod]"];',
        '  }',
        '  x0 [label="0.0.0.0/0", shape=ellipse, style=dashed];',
        '  w0 -> w1 [label="TCP 443"];',
        '  w1 -> w0 [label="All Connections"];',
        '  w1 -> w2 [label="All Connections"];',
        '  w1 -> x0 [label="All Connections"];',
        '  w2 -> w0 [label="All Connections"];',
        '  w2 -> x0 [label="All Connections"];',
        '  x0 -> w0 [label="All Connections"];',
        '  x0 -> w2 [label="All Connections"];',
        '}',
        '',
      ].join('\n'),
    );
    expect(renderConnectivity(connectivity, 'mermaid')).toBe(
      [
        'flowchart LR',
        '  subgraph ns0["t"]',
        '    w0["a[Pod]"]',
        '    w1["b[Pod]"]',
        '    w2["c[Pod]"]',
        '  end',
        '  x0(["0.0.0.0/0"])',
        '  w0 -->|"TCP 443"| w1',
        '  w1 -->|"All Connections"| w0',
        '  w1 -->|"All Connections"| w2',
        '  w1 -->|"All Connections"| x0',
        '  w2 -->|"All Connections"| w0',
        '  w2 -->|"All Connections"| x0',
        '  x0 -->|"All Connections"| w0',
        '  x0 -->|"All Connections"| w2',
        '',
      ].join('\n'),
    );
  });

  it('escapes hostile names for each format', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: 'a"]; x -> y; #<b>\\'\n  namespace: "n\\nl"\nspec:\n  containers: [{name: c, image: i}]\n`;
    const m = buildNetworkModel([...objectsOfText(text, 'evil.yaml')]);
    const c = computeConnectivity(m);
    const dot = renderConnectivity(c, 'dot');
    expect(dot).toContain('label="n l"');
    expect(dot).toContain('w0 [label="a\\"]; x -> y; #<b>\\\\[Pod]"];');
    const mermaid = renderConnectivity(c, 'mermaid');
    expect(mermaid).toContain('w0["a#quot;]; x -#gt; y; #35;#lt;b#gt;\\[Pod]"]');
    expect(mermaid.split('\n').filter((l) => l.includes('"')).every((l) => (l.match(/"/g) ?? []).length % 2 === 0)).toBe(true);
    expect(renderConnectivity(c, 'text')).toBe('n\\x0al/a"]; x -> y; #<b>\\[Pod] => 0.0.0.0/0 : All Connections\n0.0.0.0/0 => n\\x0al/a"]; x -> y; #<b>\\[Pod] : All Connections\n');
  });

  it('streams in chunks that join to the same text, JSON identical to JSON.stringify', () => {
    const pods = Array.from({ length: 120 }, (_v, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: `ns${i % 3}`, labels: { app: `a${i}` } }, spec: { containers: [{ name: 'c', image: 'i' }] } }));
    const c = computeConnectivity(buildNetworkModel([...objectsOfText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }), 'pods.json')]));
    for (const format of ['json', 'text', 'dot', 'mermaid'] as const) {
      const chunks = [...renderConnectivityChunks(c, format)];
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.slice(0, -1).every((ch) => ch.length >= 64 * 1024)).toBe(true);
      expect(chunks.join('')).toBe(renderConnectivity(c, format));
    }
    expect(renderConnectivity(c, 'json')).toBe(`${JSON.stringify(connectivityJson(c), null, 2)}\n`);
    const empty = computeConnectivity(buildNetworkModel([]));
    expect(renderConnectivity(empty, 'json')).toBe(`${JSON.stringify({ connections: [] }, null, 2)}\n`);
    expect(renderConnectivity(empty, 'text')).toBe('');
  });
});
