import type { ImageItem, ImageSignature, Page } from '../api/types.js';
import { SeverityBar } from '../components/severity.js';
import { EmptyState, ErrorState, Loading } from '../components/states.js';
import { LiveBar } from '../components/LiveBar.js';
import { Pager } from '../components/Pager.js';
import { asLoadable, useLiveApi } from '../components/useLiveApi.js';
import { listHash, NO_FILTERS, parseListQuery, type ListQuery } from '../lib/listQuery.js';
import { lastPage, slicePage } from '../lib/paging.js';
import { dateTime, shortDigest } from '../lib/format.js';
import { imageHref, type RouteQuery } from '../lib/route.js';

/** The last signature check: verified by a server key, invalid, unsigned, or signed but not checkable (no key configured). */
export function SignedBadge({ signature }: { signature: ImageSignature | null }) {
  const title = signature ? `${signature.reason} (checked ${dateTime(signature.checkedAt)})` : 'no signature check yet (local images are not checked)';
  const [cls, text] =
    signature?.state === 'verified'
      ? ['ok', '✔ signed']
      : signature?.state === 'invalid'
        ? ['bad', '✘ invalid signature']
        : signature?.state === 'unsigned'
          ? ['bad', '✘ unsigned']
          : signature?.state === 'unverified'
            ? ['muted', `? ${signature.signatures} signature(s), no key`]
            : ['muted', '? not checked'];
  return (
    <span className={`badge ${cls}`} title={title}>
      {text}
    </span>
  );
}

export function Images({ query }: { query: RouteQuery }) {
  const live = useLiveApi<Page<ImageItem>>('/images');
  const r = asLoadable(live, '/images');
  if (r.state === 'loading') return <Loading what="images" />;
  if (r.state === 'error') return <ErrorState error={r.error} what="images" />;
  const all = r.data.items;
  // The API returns every image at once: page in the browser.
  const q = parseListQuery(query, NO_FILTERS);
  const go = (next: ListQuery<typeof NO_FILTERS>) => {
    location.hash = listHash('images', next);
  };
  const page = Math.min(q.page, lastPage(all.length, q.size));
  const items = slicePage(all, page, q.size);
  return (
    <>
      <h1>Images</h1>
      <LiveBar live={live} />
      {all.length === 0 ? (
        <EmptyState title="No images scanned yet">
          <p>
            No scans yet: <code>POST /api/v1/scans</code> with an image reference, or run <code>bulkhead image &lt;ref&gt; --server &lt;url&gt;</code>. Watched registries
            (see Registries) are scanned on their next poll.
          </p>
        </EmptyState>
      ) : (
        <>
        <Pager what="images" page={page} size={q.size} shown={items.length} total={all.length} onPage={(p) => go({ ...q, page: p })} onSize={(size) => go({ ...q, page: 1, size })} />
        <table data-testid="images-table">
          <caption>{all.length} images</caption>
          <thead>
            <tr>
              <th scope="col">Image</th>
              <th scope="col">OS</th>
              <th scope="col">Findings by severity</th>
              <th scope="col">Total</th>
              <th scope="col">Packages</th>
              <th scope="col">Signature</th>
              <th scope="col">Last scanned</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.digest} data-digest={i.digest}>
                <td>
                  <a href={imageHref(i.digest)}>{i.references[0] ?? shortDigest(i.digest)}</a>
                  {i.references.length > 1 ? <span className="muted"> +{i.references.length - 1}</span> : null}
                  <div className="mono muted">{shortDigest(i.digest)}</div>
                </td>
                <td>{i.os ?? '—'}</td>
                <td>
                  <SeverityBar summary={i.summary} />
                </td>
                <td data-testid="vuln-total">{i.summary?.total ?? 0}</td>
                <td data-testid="pkg-count">{i.packages}</td>
                <td>
                  <SignedBadge signature={i.signature} />
                </td>
                <td>{dateTime(i.lastScannedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </>
      )}
    </>
  );
}
