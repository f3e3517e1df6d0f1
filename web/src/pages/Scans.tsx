import { download } from '../api/client.js';
import type { Page, ScanItem } from '../api/types.js';
import { ListFilter } from '../components/ListFilter.js';
import { LiveBar } from '../components/LiveBar.js';
import { Pager } from '../components/Pager.js';
import { SeverityBar } from '../components/severity.js';
import { EmptyState, ErrorState, Loading } from '../components/states.js';
import { liveView, useLiveApi } from '../components/useLiveApi.js';
import { dateTime, shortDigest } from '../lib/format.js';
import { listApiPath, listHash, parseListQuery, SCAN_KINDS, SCAN_STATUSES, SCANS_FILTERS, withFilter, type ListQuery } from '../lib/listQuery.js';
import { isScanActive } from '../lib/refresh.js';
import { imageHref, type RouteQuery } from '../lib/route.js';

type ScansQuery = ListQuery<typeof SCANS_FILTERS>;

const STATUS_TEXT: Record<string, [string, string]> = {
  queued: ['muted', '… queued'],
  running: ['running', '↻ running'],
  done: ['ok', '✔ done'],
  failed: ['bad', '✘ failed'],
};

export function ScanStatus({ status }: { status: string }) {
  const [cls, text] = STATUS_TEXT[status] ?? ['muted', status];
  return <span className={`badge ${cls}`}>{text}</span>;
}

function duration(a: string | null, b: string | null): string | null {
  if (!a || !b) return null;
  const ms = Date.parse(b) - Date.parse(a);
  if (!Number.isFinite(ms) || ms < 0) return null;
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

/** Where a finished scan's result can be seen: the image page, the Kubernetes page, or its JSON. */
function ResultLink({ scan }: { scan: ScanItem }) {
  if (scan.status !== 'done') return <span className="muted">—</span>;
  if (scan.imageDigest) return <a href={imageHref(scan.imageDigest)}>image {shortDigest(scan.imageDigest)}</a>;
  if (scan.kind === 'kubernetes') return <a href="#/kubernetes">Kubernetes report</a>;
  return (
    <button type="button" className="linklike" onClick={() => void download(`/scans/${encodeURIComponent(scan.id)}`, `scan-${scan.id.replace(/[^a-zA-Z0-9_-]/g, '').slice(0, 40) || 'result'}.json`)}>
      result JSON
    </button>
  );
}

export function Scans({ query }: { query: RouteQuery }) {
  const q = parseListQuery(query, SCANS_FILTERS);
  const path = listApiPath('/scans', q);
  const live = useLiveApi<Page<ScanItem>>(path, (d) => d.items.some((s) => isScanActive(s.status)));
  const go = (next: ScansQuery) => {
    location.hash = listHash('scans', next);
  };
  const view = liveView(live, path);
  return (
    <>
      <h1>Scans</h1>
      <LiveBar live={live} />
      <div className="filters">
        <ListFilter label="Status" value={q.filters.status} options={SCAN_STATUSES} onChange={(v) => go(withFilter(q, 'status', v))} />
        <ListFilter label="Kind" value={q.filters.kind} options={SCAN_KINDS} onChange={(v) => go(withFilter(q, 'kind', v))} />
      </div>
      {view.kind === 'loading' ? (
        <Loading what="scans" />
      ) : view.kind === 'error' ? (
        <ErrorState error={view.error} what="scans" />
      ) : (
        <div data-testid="scans-results" data-path={live.dataPath} aria-busy={view.stale} className={view.stale ? 'stale' : undefined}>
          <Pager what="scans" page={q.page} size={q.size} shown={view.data.items.length} total={view.data.total} onPage={(page) => go({ ...q, page })} onSize={(size) => go({ ...q, page: 1, size })} />
          {view.data.items.length === 0 ? (
            <EmptyState title={q.page > 1 ? 'No scans on this page' : Object.keys(q.filters).length ? 'No scans match these filters' : 'No scans yet'}>
              <p>
                {q.page > 1 ? (
                  <a href={listHash('scans', { ...q, page: 1 })}>Back to the first page</a>
                ) : (
                  <>
                    Submit one with <code>POST /api/v1/scans</code> or <code>bulkhead image &lt;ref&gt; --server &lt;url&gt;</code>.
                  </>
                )}
              </p>
            </EmptyState>
          ) : (
            <table data-testid="scans-table">
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Target</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Submitted</th>
                  <th scope="col">Findings</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {view.data.items.map((s) => (
                  <tr key={s.id} data-scan-id={s.id} data-status={s.status}>
                    <td>
                      <ScanStatus status={s.status} />
                      {s.status === 'failed' && s.error ? (
                        <div className="scan-error" data-testid="scan-error">
                          {s.error}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <div className="target">{s.target}</div>
                      <div className="mono muted">{s.id}</div>
                    </td>
                    <td>{s.kind}</td>
                    <td>
                      {dateTime(s.createdAt)}
                      {duration(s.startedAt, s.finishedAt) ? <div className="muted">took {duration(s.startedAt, s.finishedAt)}</div> : null}
                    </td>
                    <td data-testid="scan-summary" data-total={s.summary?.total ?? ''}>
                      {s.status === 'done' ? <SeverityBar summary={s.summary} width={120} /> : <span className="muted">—</span>}
                      {s.status === 'done' && s.summary ? <div className="muted">{s.summary.total} total, {s.summary.fixable} fixable</div> : null}
                    </td>
                    <td>
                      <ResultLink scan={s} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}
