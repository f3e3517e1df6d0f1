import type { Page, RuntimeAlert } from '../api/types.js';
import { AlertTimeline, PRIORITY_STACK } from '../components/charts.js';
import { EmptyState, ErrorState, Loading } from '../components/states.js';
import { LiveBar } from '../components/LiveBar.js';
import { asLoadable, useLiveApi } from '../components/useLiveApi.js';
import { dateTime } from '../lib/format.js';
import { alertWindow, bucketAlerts, priorityKey } from '../lib/timeline.js';

export function Runtime() {
  const live = useLiveApi<Page<RuntimeAlert>>('/runtime/alerts?limit=500');
  const r = asLoadable(live, '/runtime/alerts?limit=500');
  if (r.state === 'loading') return <Loading what="runtime alerts" />;
  if (r.state === 'error') return <ErrorState error={r.error} what="runtime alerts" />;
  const alerts = r.data.items;
  if (alerts.length === 0) {
    return (
      <>
        <h1>Runtime</h1>
        <LiveBar live={live} />
        <EmptyState title="No runtime alerts">
          <p>
            Alerts appear when a runtime sensor on a node sends them to <code>POST /api/v1/runtime/alerts</code> (a token with the scanner role). No alerts can
            also mean nothing matched the rules.
          </p>
        </EmptyState>
      </>
    );
  }
  const { from, to } = alertWindow(alerts, Date.now());
  const { buckets } = bucketAlerts(alerts, from, to, 24);
  const present = PRIORITY_STACK.filter((p) => buckets.some((b) => b.counts[p]));
  const sorted = [...alerts].sort((a, b) => b.time.localeCompare(a.time));
  return (
    <>
      <h1>Runtime</h1>
      <LiveBar live={live} />
      <section aria-labelledby="tl-h">
        <h2 id="tl-h">Alerts over time ({alerts.length})</h2>
        <figure className="chart">
          <AlertTimeline buckets={buckets} />
          <figcaption className="legend">
            {present.map((p) => (
              <span key={p}>
                <span className={`swatch prio-${p}`} aria-hidden="true" /> {p}: {buckets.reduce((s, b) => s + (b.counts[p] ?? 0), 0)}
              </span>
            ))}
          </figcaption>
        </figure>
      </section>
      <section aria-labelledby="al-h">
        <h2 id="al-h">Alerts</h2>
        <table data-testid="alerts-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Priority</th>
              <th scope="col">Rule</th>
              <th scope="col">Container</th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((a, i) => (
              <tr key={`${a.time}-${i}`}>
                <td>{dateTime(a.time)}</td>
                <td>
                  <span className={`prio-badge prio-${priorityKey(a.priority)}`}>{a.priority}</span>
                </td>
                <td>{a.rule}</td>
                <td>{a.container ? `${a.container.name ?? a.container.id.slice(0, 12)}${a.container.image ? ` (${a.container.image})` : ''}` : 'host'}</td>
                <td className="output">{a.output}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
