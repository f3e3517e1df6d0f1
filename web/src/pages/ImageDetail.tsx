import { useMemo, useState } from 'react';
import { download } from '../api/client.js';
import type { ImageDetail as Detail } from '../api/types.js';
import { FixabilityChart } from '../components/charts.js';
import { SeverityBadge, SeverityBar } from '../components/severity.js';
import { ErrorState, Loading } from '../components/states.js';
import { LiveBar } from '../components/LiveBar.js';
import { asLoadable, useLiveApi, type Live } from '../components/useLiveApi.js';
import { bytes, dateTime, sbomFileName, shortDigest } from '../lib/format.js';
import { filterPackages, isFixable, packagesByLayer, sortFindings, vulnerabilityBreakdown } from '../lib/shape.js';
import { SignedBadge } from './Images.js';

export function ImageDetail({ digest }: { digest: string }) {
  const path = `/images/${encodeURIComponent(digest)}`;
  const live = useLiveApi<Detail>(path);
  const r = asLoadable(live, path);
  if (r.state === 'loading') return <Loading what="the image" />;
  if (r.state === 'error') return <ErrorState error={r.error} what={`image ${shortDigest(digest)}`} />;
  return <ImageView d={r.data} live={live} />;
}

function ImageView({ d, live }: { d: Detail; live: Live<Detail> }) {
  const [q, setQ] = useState('');
  const [sbomError, setSbomError] = useState<string | null>(null);
  const [fixableOnly, setFixableOnly] = useState(false);
  const pkgs = useMemo(() => filterPackages(d.packages, q), [d.packages, q]);
  const vulns = useMemo(() => sortFindings(d.vulnerabilities).filter((f) => !fixableOnly || isFixable(f)), [d.vulnerabilities, fixableOnly]);
  const layers = useMemo(() => packagesByLayer(d.layers, d.packages), [d.layers, d.packages]);
  const sbom = (format: 'cyclonedx' | 'spdx-json') => {
    setSbomError(null);
    download(`/images/${encodeURIComponent(d.digest)}/sbom?format=${format}`, sbomFileName(d.digest, format)).catch((e: Error) => setSbomError(`SBOM download failed: ${e.message}`));
  };
  return (
    <>
      <p>
        <a href="#/images">← Images</a>
      </p>
      <h1>{d.references[0] ?? shortDigest(d.digest)}</h1>
      <LiveBar live={live} />
      <dl className="facts">
        <dt>Digest</dt>
        <dd className="mono">{d.digest}</dd>
        <dt>References</dt>
        <dd>{d.references.join(', ') || '—'}</dd>
        <dt>OS</dt>
        <dd>{d.os ?? '—'}</dd>
        <dt>Signature</dt>
        <dd data-testid="signature">
          <SignedBadge signature={d.signature} /> {d.signature ? <span className="muted">{d.signature.reason}</span> : null}
        </dd>
        <dt>Findings (all kinds)</dt>
        <dd>
          <SeverityBar summary={d.summary} /> <span className="muted">{d.summary?.total ?? 0} total</span>
        </dd>
        <dt>Last scanned</dt>
        <dd>{dateTime(d.lastScannedAt)}</dd>
      </dl>
      <div className="actions" role="group" aria-label="SBOM download">
        <button type="button" onClick={() => sbom('cyclonedx')}>
          Download SBOM (CycloneDX)
        </button>
        <button type="button" onClick={() => sbom('spdx-json')}>
          Download SBOM (SPDX)
        </button>
        {sbomError ? <span role="alert" className="form-error">{sbomError}</span> : null}
      </div>

      <section aria-labelledby="vulns-h">
        <h2 id="vulns-h">Vulnerabilities ({d.vulnerabilities.length})</h2>
        <FixabilityChart rows={vulnerabilityBreakdown(d.vulnerabilities)} />
        <label className="check">
          <input type="checkbox" checked={fixableOnly} onChange={(e) => setFixableOnly(e.target.checked)} /> only fixable
        </label>
        {vulns.length === 0 ? (
          <p className="muted">{d.vulnerabilities.length ? 'None match the filter.' : 'No vulnerabilities found in this image.'}</p>
        ) : (
          <table data-testid="vulns-table">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Id</th>
                <th scope="col">Package</th>
                <th scope="col">Installed</th>
                <th scope="col">Fixed in</th>
                <th scope="col">Layer</th>
              </tr>
            </thead>
            <tbody>
              {vulns.map((f, i) => (
                <tr key={`${f.id}-${f.package?.id ?? i}`}>
                  <td>
                    <SeverityBadge severity={f.severity} />
                  </td>
                  <td title={f.title}>{f.id}</td>
                  <td>{f.package?.name ?? '—'}</td>
                  <td>{f.installedVersion ?? f.package?.version ?? '—'}</td>
                  <td>{f.fixedVersion ?? (f.status === 'will-not-fix' ? 'will not fix' : 'no fix yet')}</td>
                  <td>{f.package?.layer?.index ?? f.location.layer?.index ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="layers-h">
        <h2 id="layers-h">Layers ({d.layers.length})</h2>
        <ol className="layers" data-testid="layers">
          {layers.layers.map(({ layer, packages }) => (
            <li key={layer.diffID}>
              <details>
                <summary>
                  <span className="mono">#{layer.index}</span> <code className="created-by">{layer.createdBy || '(no history entry)'}</code>{' '}
                  <span className="muted">
                    {bytes(layer.size)} · {packages.length} packages added
                  </span>
                </summary>
                <p className="mono muted">{layer.diffID}</p>
                {packages.length ? <p>{packages.map((p) => `${p.name} ${p.version}`).join(', ')}</p> : <p className="muted">No packages added in this layer.</p>}
              </details>
            </li>
          ))}
        </ol>
        {layers.unattributed.length ? <p className="muted">{layers.unattributed.length} packages could not be tied to a layer.</p> : null}
      </section>

      <section aria-labelledby="inv-h">
        <h2 id="inv-h">Inventory ({d.packages.length} packages)</h2>
        <label htmlFor="pkg-filter">Filter packages</label>{' '}
        <input id="pkg-filter" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="name, version, type or purl" />
        <span className="muted" role="status">
          {' '}
          {pkgs.length} shown
        </span>
        <table data-testid="packages-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Version</th>
              <th scope="col">Type</th>
              <th scope="col">Licenses</th>
              <th scope="col">Layer</th>
            </tr>
          </thead>
          <tbody>
            {pkgs.slice(0, 500).map((p) => (
              <tr key={p.id}>
                <td title={p.purl}>{p.name}</td>
                <td>{p.version}</td>
                <td>{p.type}</td>
                <td>{p.licenses?.join(', ') ?? '—'}</td>
                <td>{p.layer?.index ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {pkgs.length > 500 ? <p className="muted">Showing the first 500; narrow the filter to see others.</p> : null}
      </section>

      <section aria-labelledby="hist-h">
        <h2 id="hist-h">Scan history</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Scan</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {d.history.map((h) => (
              <tr key={h.scanId}>
                <td>{dateTime(h.at)}</td>
                <td className="mono">{h.scanId}</td>
                <td>
                  <SeverityBar summary={h.summary} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
