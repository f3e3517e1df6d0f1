import type { Page, RegistryWatch } from '../api/types.js';
import { EmptyState, ErrorState, Loading } from '../components/states.js';
import { LiveBar } from '../components/LiveBar.js';
import { asLoadable, useLiveApi } from '../components/useLiveApi.js';
import { ago, dateTime } from '../lib/format.js';

export function Registries() {
  const live = useLiveApi<Page<RegistryWatch>>('/registries');
  const r = asLoadable(live, '/registries');
  if (r.state === 'loading') return <Loading what="watched registries" />;
  if (r.state === 'error') return <ErrorState error={r.error} what="watched registries" />;
  const items = r.data.items;
  const now = Date.now();
  return (
    <>
      <h1>Registries</h1>
      <LiveBar live={live} />
      {items.length === 0 ? (
        <EmptyState title="No registries watched">
          <p>
            Add one with <code>POST /api/v1/registries</code> (host, repositories, interval): new tags and digests are then scanned on every poll.
          </p>
        </EmptyState>
      ) : (
        <table data-testid="registries-table">
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">Repositories</th>
              <th scope="col">Every</th>
              <th scope="col">Last poll</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr key={w.id}>
                <td>{w.host}</td>
                <td>{w.repositories.join(', ') || 'all'}</td>
                <td>{Math.round(w.intervalSeconds / 60)} min</td>
                <td title={dateTime(w.lastPolledAt)}>{ago(w.lastPolledAt, now)}</td>
                <td>{w.lastError ? <span className="badge bad">✘ error: {w.lastError}</span> : w.lastPolledAt ? <span className="badge ok">✔ ok</span> : <span className="muted">waiting for first poll</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
