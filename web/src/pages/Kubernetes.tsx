import { useMemo, useState } from 'react';
import { ApiError } from '../api/client.js';
import type { KubernetesView } from '../api/types.js';
import { PassFailBar, ScoreGauge } from '../components/charts.js';
import { NetworkGraph } from '../components/NetworkGraph.js';
import { SeverityBadge } from '../components/severity.js';
import { EmptyState, ErrorState, Loading } from '../components/states.js';
import { LiveBar } from '../components/LiveBar.js';
import { asLoadable, useLiveApi, type Live } from '../components/useLiveApi.js';
import { dateTime } from '../lib/format.js';
import { countsByNamespace, filterK8sFindings, k8sCategory, namespacesOf, sortFindings } from '../lib/shape.js';

export function Kubernetes() {
  const live = useLiveApi<KubernetesView>('/kubernetes');
  const r = asLoadable(live, '/kubernetes');
  if (r.state === 'loading') return <Loading what="Kubernetes posture" />;
  const none = r.state === 'error' && r.error instanceof ApiError && r.error.status === 404;
  if (r.state === 'error' && !none) return <ErrorState error={r.error} what="Kubernetes posture" />;
  if (none || (r.state === 'ok' && !r.data.scanId) || r.state !== 'ok') {
    return (
      <>
        <h1>Kubernetes</h1>
        <LiveBar live={live} />
        <EmptyState title="No Kubernetes scan yet">
          <p>
            Submit manifests for a scan: <code>POST /api/v1/scans</code> with <code>{'{"kind": "kubernetes", "target": "<name>", "content": "<YAML>"}'}</code>. The latest Kubernetes scan is shown here.
          </p>
        </EmptyState>
      </>
    );
  }
  return <KubernetesPosture d={r.data} live={live} />;
}

function KubernetesPosture({ d, live }: { d: KubernetesView; live: Live<KubernetesView> }) {
  const [namespace, setNamespace] = useState('');
  const [framework, setFramework] = useState('');
  const [category, setCategory] = useState('');
  const namespaces = useMemo(() => namespacesOf(d.findings), [d.findings]);
  const shown = useMemo(() => sortFindings(filterK8sFindings(d.findings, d.compliance, { namespace, framework, category })), [d, namespace, framework, category]);
  const connections = d.connectivity?.connections ?? [];
  return (
    <>
      <h1>Kubernetes</h1>
      <LiveBar live={live} />
      <p className="muted">
        Latest scan <span className="mono">{d.scanId}</span> at {dateTime(d.createdAt)}
      </p>
      <section aria-labelledby="comp-h">
        <h2 id="comp-h">Compliance by framework</h2>
        {d.compliance.length === 0 ? <p className="muted">The scan evaluated no compliance framework.</p> : null}
        <div className="frameworks">
          {d.compliance.map((c) => (
            <article key={c.framework} className="framework" data-testid={`framework-${c.framework}`}>
              <h3>{c.title}</h3>
              <ScoreGauge score={c.score} label={c.title} />
              <p>
                {c.controlsPassed} controls passed, {c.controlsFailed} failed
              </p>
              <details>
                <summary>Controls ({c.controls.length})</summary>
                <ul className="controls">
                  {c.controls.map((ctl) => (
                    <li key={ctl.control}>
                      <span className={ctl.failed ? 'ctl-fail' : 'ctl-pass'}>{ctl.failed ? '✘ FAIL' : '✔ PASS'}</span> {ctl.control}{' '}
                      <PassFailBar passed={ctl.passed} failed={ctl.failed} />
                    </li>
                  ))}
                </ul>
              </details>
            </article>
          ))}
        </div>
      </section>

      <section aria-labelledby="ns-h">
        <h2 id="ns-h">By namespace</h2>
        {d.findings.length === 0 ? (
          <p className="muted">No findings in any namespace.</p>
        ) : (
          <table data-testid="k8s-namespaces">
            <thead>
              <tr>
                <th scope="col">Namespace</th>
                <th scope="col">Findings</th>
                <th scope="col">Critical</th>
                <th scope="col">High</th>
                <th scope="col">PSS violations</th>
                <th scope="col">RBAC risks</th>
              </tr>
            </thead>
            <tbody>
              {countsByNamespace(d.findings).map((c) => (
                <tr key={c.namespace}>
                  <th scope="row">
                    <button type="button" className="linklike" onClick={() => setNamespace(c.namespace)} aria-label={`Show findings in ${c.namespace}`}>
                      {c.namespace}
                    </button>
                  </th>
                  <td>{c.total}</td>
                  <td>{c.critical}</td>
                  <td>{c.high}</td>
                  <td>{c.PSS}</td>
                  <td>{c.RBAC}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="kf-h">
        <h2 id="kf-h">Findings ({shown.length} of {d.findings.length})</h2>
        <div className="filters" role="group" aria-label="Filter findings">
          <label>
            Namespace{' '}
            <select value={namespace} onChange={(e) => setNamespace(e.target.value)}>
              <option value="">all</option>
              {namespaces.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            Framework{' '}
            <select value={framework} onChange={(e) => setFramework(e.target.value)}>
              <option value="">all</option>
              {d.compliance.map((c) => (
                <option key={c.framework} value={c.framework}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            Kind{' '}
            <select value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">all</option>
              <option value="PSS">Pod Security violations</option>
              <option value="RBAC">RBAC risks</option>
              <option value="Network">Network policy</option>
              <option value="Other">Other checks</option>
            </select>
          </label>
        </div>
        {shown.length === 0 ? (
          <p className="muted">No findings match.</p>
        ) : (
          <table data-testid="k8s-findings">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Check</th>
                <th scope="col">Kind</th>
                <th scope="col">Object</th>
                <th scope="col">Title</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((f, i) => (
                <tr key={`${f.id}-${i}`}>
                  <td>
                    <SeverityBadge severity={f.severity} />
                  </td>
                  <td>{f.id}</td>
                  <td>{k8sCategory(f)}</td>
                  <td>{f.location.object ? `${f.location.object.namespace ?? '(cluster)'}/${f.location.object.kind}/${f.location.object.name}` : (f.location.path ?? '—')}</td>
                  <td>{f.title}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="net-h">
        <h2 id="net-h">Allowed connectivity</h2>
        {connections.length ? (
          <NetworkGraph connections={connections} />
        ) : (
          <p className="muted">No connectivity analysis in this scan: it needs NetworkPolicies and workloads in the scanned manifests.</p>
        )}
      </section>
    </>
  );
}
