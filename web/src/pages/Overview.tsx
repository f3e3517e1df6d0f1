import type { Overview as OverviewData } from '../api/types.js';
import { RiskTrendChart } from '../components/charts.js';
import { SeverityBadge } from '../components/severity.js';
import { EmptyState, ErrorState, Loading } from '../components/states.js';
import { LiveBar } from '../components/LiveBar.js';
import { asLoadable, useLiveApi } from '../components/useLiveApi.js';

const TILES: Array<[keyof OverviewData['counts'], string]> = [
  ['images', 'Images'],
  ['scans', 'Scans'],
  ['critical', 'Critical'],
  ['high', 'High'],
  ['fixable', 'Fixable'],
  ['runtimeAlerts24h', 'Runtime alerts (24h)'],
];

export function Overview() {
  const live = useLiveApi<OverviewData>('/overview');
  const r = asLoadable(live, '/overview');
  if (r.state === 'loading') return <Loading what="the overview" />;
  if (r.state === 'error') return <ErrorState error={r.error} what="the overview" />;
  const d = r.data;
  return (
    <>
      <h1>Overview</h1>
      <LiveBar live={live} />
      <ul className="tiles" aria-label="Counts">
        {TILES.map(([k, label]) => (
          <li key={k} className={`tile tile-${k}`} data-testid={`count-${k}`}>
            <span className="tile-value">{d.counts[k] ?? 0}</span>
            <span className="tile-label">{label}</span>
          </li>
        ))}
      </ul>
      {d.counts.scans === 0 ? (
        <EmptyState title="No scans yet">
          <p>
            Submit one: <code>POST /api/v1/scans</code> with <code>{'{"target": "registry.example/app:1.0"}'}</code>, or run <code>bulkhead image &lt;ref&gt; --server &lt;url&gt;</code>.
          </p>
        </EmptyState>
      ) : null}
      <section aria-labelledby="trend-h">
        <h2 id="trend-h">Risk trend</h2>
        {d.riskTrend.length ? <RiskTrendChart points={d.riskTrend} /> : null}
        {d.riskTrend.length < 2 ? <p className="muted">The trend needs scans on more than one day; it fills in as images are rescanned.</p> : null}
      </section>
      <section aria-labelledby="top-h">
        <h2 id="top-h">Top issues</h2>
        {d.topIssues.length === 0 ? (
          <p className="muted">No open vulnerabilities in stored scans.</p>
        ) : (
          <table data-testid="top-issues">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Id</th>
                <th scope="col">Title</th>
                <th scope="col">Images</th>
                <th scope="col">Fix</th>
              </tr>
            </thead>
            <tbody>
              {d.topIssues.map((t) => (
                <tr key={t.id}>
                  <td>
                    <SeverityBadge severity={t.severity} />
                  </td>
                  <td>{t.id}</td>
                  <td>{t.title}</td>
                  <td>{t.images}</td>
                  <td>{t.fixable ? 'fix available' : 'no fix yet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
