import type { Connection } from '../api/types.js';
import { LAYOUT, edgePath, layoutConnectivity } from '../lib/netLayout.js';

/** Allowed connectivity: namespaces as columns, external CIDRs last; a table below repeats it as text. */
export function NetworkGraph({ connections }: { connections: Connection[] }) {
  const l = layoutConnectivity(connections);
  const byKey = new Map(l.nodes.map((n) => [n.key, n]));
  return (
    <div className="netgraph">
      <svg viewBox={`0 0 ${l.width} ${l.height}`} width={l.width} height={l.height} role="img" aria-label={`Allowed connectivity: ${l.nodes.length} endpoints, ${l.edges.length} connections`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0 0 L10 5 L0 10 z" className="arrowhead" />
          </marker>
        </defs>
        {l.groups.map((g) => (
          <g key={g.name}>
            <rect x={g.x} y={g.y} width={g.width} height={g.height} rx={6} className="ns-group" />
            <text x={g.x + 8} y={g.y + 22} className="ns-label">
              {g.name}
            </text>
          </g>
        ))}
        {l.edges.map((e) => {
          const a = byKey.get(e.from)!;
          const b = byKey.get(e.to)!;
          return (
            <path key={`${e.from}→${e.to}`} d={edgePath(a, b)} className="edge" fill="none" markerEnd="url(#arrow)">
              <title>{`${a.label} → ${b.label}: ${e.label}`}</title>
            </path>
          );
        })}
        {l.nodes.map((n) => (
          <g key={n.key} transform={`translate(${n.x} ${n.y})`}>
            <rect width={LAYOUT.nodeWidth} height={LAYOUT.nodeHeight} rx={4} className={n.external ? 'node external' : 'node'} />
            <text x={8} y={16} className="node-label">
              {n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label}
            </text>
            <text x={8} y={32} className="node-sub">
              {n.sublabel}
            </text>
          </g>
        ))}
      </svg>
      <details>
        <summary>Connections as a table ({l.edges.length})</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Ports</th>
            </tr>
          </thead>
          <tbody>
            {l.edges.map((e) => (
              <tr key={`${e.from}→${e.to}`}>
                <td>{e.from.replace(/^(pod|cidr):/, '')}</td>
                <td>{e.to.replace(/^(pod|cidr):/, '')}</td>
                <td>{e.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
