import { Fragment, useState } from 'react';
import type { FindingItem, Page } from '../api/types.js';
import { ListFilter } from '../components/ListFilter.js';
import { LiveBar } from '../components/LiveBar.js';
import { Pager } from '../components/Pager.js';
import { SeverityBadge } from '../components/severity.js';
import { EmptyState, ErrorState, Loading } from '../components/states.js';
import { liveView, useLiveApi } from '../components/useLiveApi.js';
import { locationText, packageText, safeHref } from '../lib/findingText.js';
import { FINDING_KINDS, FINDING_STATUSES, FINDINGS_FILTERS, listApiPath, listHash, parseListQuery, SEVERITIES, withFilter, type ListQuery } from '../lib/listQuery.js';
import type { RouteQuery } from '../lib/route.js';

type FindingsQuery = ListQuery<typeof FINDINGS_FILTERS>;

/** Findings of the latest scan of every target, filtered and paged by the API; the view lives in the URL. */
export function Findings({ query }: { query: RouteQuery }) {
  const q = parseListQuery(query, FINDINGS_FILTERS);
  const path = listApiPath('/findings', q);
  const live = useLiveApi<Page<FindingItem>>(path);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const go = (next: FindingsQuery) => {
    setOpen(new Set());
    location.hash = listHash('findings', next);
  };
  const toggle = (key: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  const view = liveView(live, path);
  const filtered = Object.keys(q.filters).length > 0;
  return (
    <>
      <h1>Findings</h1>
      <LiveBar live={live} />
      <div className="filters">
        <ListFilter label="Severity" value={q.filters.severity} options={SEVERITIES} onChange={(v) => go(withFilter(q, 'severity', v))} />
        <ListFilter label="Kind" value={q.filters.kind} options={FINDING_KINDS} onChange={(v) => go(withFilter(q, 'kind', v))} />
        <ListFilter label="Status" value={q.filters.status} options={FINDING_STATUSES} onChange={(v) => go(withFilter(q, 'status', v))} />
        <label className="check">
          <input type="checkbox" checked={q.filters.fixable === 'true'} onChange={(e) => go(withFilter(q, 'fixable', e.target.checked ? 'true' : ''))} /> Only fixable
        </label>
        <label className="check">
          <input type="checkbox" checked={q.filters.fixable === 'false'} onChange={(e) => go(withFilter(q, 'fixable', e.target.checked ? 'false' : ''))} /> Only without a fix
        </label>
      </div>
      <p className="muted">The latest scan of every target.</p>
      {view.kind === 'loading' ? (
        <Loading what="findings" />
      ) : view.kind === 'error' ? (
        <ErrorState error={view.error} what="findings" />
      ) : (
        <div data-testid="findings-results" data-path={live.dataPath} aria-busy={view.stale} className={view.stale ? 'stale' : undefined}>
          <Pager what="findings" page={q.page} size={q.size} shown={view.data.items.length} total={view.data.total} onPage={(page) => go({ ...q, page })} onSize={(size) => go({ ...q, page: 1, size })} />
          {view.data.items.length === 0 ? (
            <EmptyState title={q.page > 1 ? 'No findings on this page' : filtered ? 'No findings match these filters' : 'No findings'}>
              <p>{q.page > 1 ? <a href={listHash('findings', { ...q, page: 1 })}>Back to the first page</a> : filtered ? 'Clear a filter to see more.' : 'Stored scans found nothing, or nothing has been scanned yet.'}</p>
            </EmptyState>
          ) : (
            <table data-testid="findings-table">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                  <th scope="col">Severity</th>
                  <th scope="col">Id</th>
                  <th scope="col">Title</th>
                  <th scope="col">Package</th>
                  <th scope="col">Target</th>
                  <th scope="col">Kind</th>
                </tr>
              </thead>
              <tbody>
                {view.data.items.map((f, i) => {
                  const key = `${f.scanId}/${(q.page - 1) * q.size + i}/${f.id}`;
                  const detailId = `finding-detail-${(q.page - 1) * q.size + i}`;
                  const isOpen = open.has(key);
                  return (
                    <Fragment key={key}>
                      <tr data-finding-id={f.id} className="finding-row">
                        <td>
                          <button type="button" className="linklike" aria-expanded={isOpen} aria-controls={detailId} onClick={() => toggle(key)} aria-label={`${isOpen ? 'Hide' : 'Show'} details of ${f.id}`}>
                            {isOpen ? '▾' : '▸'}
                          </button>
                        </td>
                        <td>
                          <SeverityBadge severity={String(f.severity ?? 'unknown')} />
                        </td>
                        <td className="mono">{f.id}</td>
                        <td>{f.title}</td>
                        <td className="mono">{packageText(f)}</td>
                        <td>{f.target}</td>
                        <td>{f.kind}</td>
                      </tr>
                      {isOpen ? (
                        <tr className="finding-detail" id={detailId}>
                          <td colSpan={7}>
                            <FindingDetail f={f} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}

function FindingDetail({ f }: { f: FindingItem }) {
  const refs = Array.isArray(f.references) ? f.references.slice(0, 50) : [];
  return (
    <dl className="facts" data-testid="finding-detail">
      <dt>Id</dt>
      <dd className="mono">{f.id}</dd>
      {Array.isArray(f.aliases) && f.aliases.length ? (
        <>
          <dt>Also known as</dt>
          <dd className="mono">{f.aliases.join(', ')}</dd>
        </>
      ) : null}
      <dt>Title</dt>
      <dd>{f.title}</dd>
      <dt>Severity</dt>
      <dd>
        {String(f.severity ?? 'unknown')}
        {f.severitySource ? <span className="muted"> ({f.severitySource})</span> : null}
      </dd>
      <dt>Package</dt>
      <dd className="mono" data-testid="detail-package">
        {packageText(f)}
      </dd>
      {f.package?.purl ? (
        <>
          <dt>purl</dt>
          <dd className="mono">{f.package.purl}</dd>
        </>
      ) : null}
      <dt>Location</dt>
      <dd className="mono">{locationText(f)}</dd>
      <dt>Target</dt>
      <dd>
        {f.target} <span className="muted mono">(scan {f.scanId})</span>
      </dd>
      {f.status ? (
        <>
          <dt>Status</dt>
          <dd>{f.status}</dd>
        </>
      ) : null}
      {f.remediation ? (
        <>
          <dt>Remediation</dt>
          <dd>{f.remediation}</dd>
        </>
      ) : null}
      {f.evidence ? (
        <>
          <dt>Evidence</dt>
          <dd className="mono">{f.evidence}</dd>
        </>
      ) : null}
      <dt>References</dt>
      <dd>
        {refs.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="refs">
            {refs.map((r, i) => {
              const href = safeHref(r);
              return <li key={i}>{href ? <a href={href} target="_blank" rel="noopener noreferrer">{href}</a> : <span className="mono">{String(r)}</span>}</li>;
            })}
          </ul>
        )}
      </dd>
    </dl>
  );
}
