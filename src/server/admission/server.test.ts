/**
 * End to end over real HTTPS: recorded AdmissionReview v1 requests POSTed to
 * startAdmissionServer with TLS material from deploy/admission/gen-certs.sh.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_RESULT_SCHEMA_VERSION, type Finding, type ScanResult } from '../../core/types.js';
import type { AdmissionDependencies, AdmissionLogEvent } from './handler.js';
import { startAdmissionServer, type AdmissionServer } from './server.js';
import { configOf, makeTls, post, review, TESTDATA, type TestTls } from './testing.js';
import type { AdmissionConfig } from './config.js';

let tls: TestTls;
const servers: AdmissionServer[] = [];

beforeAll(async () => {
  tls = await makeTls();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

async function serve(config: AdmissionConfig, dependencies: AdmissionDependencies = {}): Promise<string> {
  const server = await startAdmissionServer({ listen: '127.0.0.1:0', tlsCert: tls.cert, tlsKey: tls.key, config, dependencies });
  servers.push(server);
  return server.url;
}

function scanResult(image: string, findings: Finding[]): ScanResult {
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'bulkhead', version: 'test' },
    createdAt: new Date().toISOString(),
    target: { kind: 'image', name: image },
    packages: [],
    findings,
    notices: [],
    scanners: ['vuln'],
    stats: { layersRead: 0, layersFromCache: 0, filesAnalyzed: 0, bytesRead: 0, durationMs: 0 },
  };
}

const critical: Finding = {
  kind: 'vulnerability',
  id: 'CVE-2024-6387',
  title: 'openssh: regreSSHion',
  severity: 'critical',
  status: 'unfixed',
  location: { path: '/var/lib/dpkg/status' },
  package: { name: 'openssh-server', version: '1:9.2p1-2', type: 'deb' } as Finding['package'],
  references: [],
};
const highFixed: Finding = { ...critical, id: 'CVE-2023-38408', severity: 'high', status: 'fixed', fixedVersion: '1:9.2p1-2+deb12u1' };

describe('Pod Security Standards over HTTPS', () => {
  it('denies a privileged pod at baseline, echoing the uid with a 403 and the API server wording', async () => {
    const url = await serve(await configOf('mode: enforce\npss:\n  default: { level: baseline }\n'));
    const r = await post(url, tls.ca, review('pod-privileged.json'));
    expect(r.status).toBe(200);
    expect(r.json!.apiVersion).toBe('admission.k8s.io/v1');
    expect(r.json!.kind).toBe('AdmissionReview');
    expect(r.json!.response.uid).toBe('5b1f0c2e-7a0d-4f43-9a57-1d0f3c1e9a01');
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.code).toBe(403);
    expect(r.json!.response.status!.message).toContain('pods "debug" is forbidden: violates PodSecurity "baseline:latest"');
    expect(r.json!.response.status!.message).toContain('privileged (container "debug" must not set securityContext.privileged=true)');
    expect(r.json!.response.status!.message).toContain('host namespaces (hostPID=true)');
  });

  it('allows the privileged pod where its namespace is configured privileged, and denies the compliant-at-baseline Deployment only at restricted', async () => {
    const url = await serve(await configOf('pss:\n  default: { level: restricted, version: v1.30 }\n  namespaces:\n    apps: { level: privileged }\n'));
    expect((await post(url, tls.ca, review('pod-privileged.json'))).json!.response.allowed).toBe(true);

    const restricted = await serve(await configOf('pss:\n  default: { level: baseline }\n  namespaces:\n    apps: { level: restricted, version: v1.30 }\n'));
    const dep = await post(restricted, tls.ca, review('deployment-root.json'));
    expect(dep.json!.response.allowed).toBe(false);
    expect(dep.json!.response.status!.message).toContain('pods created by Deployment "api" would be forbidden: violates PodSecurity "restricted:v1.30"');
    expect(dep.json!.response.status!.message).toContain('runAsNonRoot != true');
    const baseline = await serve(await configOf('pss:\n  default: { level: baseline }\n'));
    expect((await post(baseline, tls.ca, review('deployment-root.json'))).json!.response.allowed).toBe(true);
  });

  it('admits a compliant pod at restricted with nothing to say', async () => {
    const url = await serve(await configOf('pss:\n  default: { level: restricted }\n'));
    const r = await post(url, tls.ca, review('pod-compliant.json'));
    expect(r.json!.response).toEqual({ uid: '0e6f3f9c-2d3b-4c1e-8f7a-6b2d9c4e5a02', allowed: true });
  });

  it('uses the namespace labels when the request carries the namespace object', async () => {
    const url = await serve(await configOf('pss:\n  default: { level: privileged }\n'));
    const req = review('pod-privileged.json');
    req['request'].namespaceObject = { metadata: { name: 'apps', labels: { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'restricted' } } };
    const r = await post(url, tls.ca, req);
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.message).toContain('violates PodSecurity "baseline:latest"');
    expect(r.json!.response.auditAnnotations!['pss']).toContain('would violate PodSecurity "restricted:latest"');
  });

  it('skips DELETE, non-pod kinds, status updates and metadata-only pod updates', async () => {
    const url = await serve(await configOf('pss:\n  default: { level: restricted }\n'));
    const del = await post(url, tls.ca, review('pod-delete.json'));
    expect(del.json!.response).toEqual({ uid: '3a4b5c6d-7e8f-4a1b-9c2d-3e4f5a6b7c04', allowed: true });

    const cm = review('pod-privileged.json');
    cm['request'].kind = { group: '', version: 'v1', kind: 'ConfigMap' };
    cm['request'].object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} };
    expect((await post(url, tls.ca, cm)).json!.response.allowed).toBe(true);

    const status = review('pod-privileged.json');
    status['request'].subResource = 'status';
    status['request'].operation = 'UPDATE';
    expect((await post(url, tls.ca, status)).json!.response.allowed).toBe(true);

    const relabel = review('pod-privileged.json');
    relabel['request'].operation = 'UPDATE';
    relabel['request'].oldObject = structuredClone(relabel['request'].object);
    relabel['request'].object.metadata.labels = { run: 'debug', touched: 'yes' };
    expect((await post(url, tls.ca, relabel)).json!.response.allowed).toBe(true);
    // An UPDATE that changes the spec is judged.
    relabel['request'].oldObject.spec.containers[0].securityContext = {};
    expect((await post(url, tls.ca, relabel)).json!.response.allowed).toBe(false);
  });
});

describe('modes', () => {
  it('warn mode admits and returns the denial as a warning', async () => {
    const url = await serve(await configOf('mode: warn\npss:\n  default: { level: baseline }\n'));
    const r = await post(url, tls.ca, review('pod-privileged.json'));
    expect(r.json!.response.allowed).toBe(true);
    expect(r.json!.response.status).toBeUndefined();
    expect(r.json!.response.warnings).toHaveLength(1);
    expect(r.json!.response.warnings![0]).toMatch(/^bulkhead \(warn mode\) would deny: pods "debug" is forbidden: violates PodSecurity "baseline:latest"/);
  });

  it('audit mode admits and records the denial in auditAnnotations', async () => {
    const url = await serve(await configOf('mode: audit\npss:\n  default: { level: baseline }\n'));
    const r = await post(url, tls.ca, review('pod-privileged.json'));
    expect(r.json!.response.allowed).toBe(true);
    expect(r.json!.response.warnings).toBeUndefined();
    expect(r.json!.response.auditAnnotations!['pss-violations']).toContain('violates PodSecurity "baseline:latest"');
  });
});

describe('ValidatingAdmissionPolicy', () => {
  it('denies a Deployment without a team label and admits the labelled pod', async () => {
    const config = await configOf('pss:\n  default: { level: privileged }\nvap: [vap.yaml]\n', { 'vap.yaml': readFileSync(path.join(TESTDATA, 'vap-require-team.yaml'), 'utf8') });
    const url = await serve(config);
    const dep = await post(url, tls.ca, review('deployment-root.json'));
    expect(dep.json!.response.allowed).toBe(false);
    expect(dep.json!.response.status!.message).toContain("ValidatingAdmissionPolicy 'require-team-label' with binding 'require-team-label-binding' denied request: the Deployment api has no team label");
    expect((await post(url, tls.ca, review('pod-compliant.json'))).json!.response.allowed).toBe(true);
  });
});

describe('vulnerability gate', () => {
  const gate = 'pss:\n  default: { level: privileged }\nvulnerabilities:\n  maxSeverity: high\n  denyUnfixedCritical: true\n';

  it('denies from stored results: unfixed critical; admits a fixed high at maxSeverity high', async () => {
    const stored = new Map<string, Finding[]>([
      ['busybox:1.36', [critical]],
      ['registry.example.com/payments/web:1.4.2', [highFixed]],
    ]);
    const url = await serve(await configOf(gate), { scanLookup: { latestFor: async (ref) => (stored.has(ref) ? { findings: stored.get(ref)! } : undefined) } });
    const bad = await post(url, tls.ca, review('pod-privileged.json'));
    expect(bad.json!.response.allowed).toBe(false);
    expect(bad.json!.response.status!.message).toContain('image busybox:1.36 fails the vulnerability gate: CVE-2024-6387 in openssh-server@1:9.2p1-2 is critical and has no fix');
    expect((await post(url, tls.ca, review('pod-compliant.json'))).json!.response.allowed).toBe(true);
  });

  it('dry-run requests are judged but the scan on demand is not stored', async () => {
    const storedScans: string[] = [];
    const deps: AdmissionDependencies = {
      scanner: async (ref) => scanResult(ref, [critical]),
      onScanned: (ref) => {
        storedScans.push(ref);
      },
    };
    const url = await serve(await configOf(gate), deps);
    const dry = review('pod-privileged.json');
    dry['request'].dryRun = true;
    const r = await post(url, tls.ca, dry);
    expect(r.json!.response.allowed).toBe(false);
    expect(storedScans).toEqual([]);
    await post(url, tls.ca, review('pod-privileged.json'));
    expect(storedScans).toEqual(['busybox:1.36']);
  });

  it('a failing onScanned is logged and never changes the answer', async () => {
    const events: AdmissionLogEvent[] = [];
    const rejecting = await serve(await configOf(gate), { scanner: async (ref) => scanResult(ref, [critical]), onScanned: () => Promise.reject(new Error('store is down')), log: (e) => events.push(e) });
    const r = await post(rejecting, tls.ca, review('pod-privileged.json'));
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.code).toBe(403);
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events.map((e) => e.outcome)).toEqual(['denied', 'failed']);
    expect(events[1]).toMatchObject({ event: 'scan-submission', image: 'busybox:1.36', message: 'store is down' });

    const throwing = await serve(await configOf(gate), {
      scanner: async (ref) => scanResult(ref, []),
      onScanned: () => {
        throw new Error('sync failure');
      },
    });
    expect((await post(throwing, tls.ca, review('pod-compliant.json'))).json!.response.allowed).toBe(true);
  });

  it('a scan on demand that outlives the deadline: fail-open admits with a warning, fail-closed refuses', async () => {
    let aborted = 0;
    let finishedUnaborted = 0;
    const slow: AdmissionDependencies['scanner'] = (ref, _budget, ctx) =>
      new Promise((resolve) => {
        const t = setTimeout(() => {
          finishedUnaborted++;
          resolve(scanResult(ref, []));
        }, 3000);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(t);
          aborted++;
          resolve(scanResult(ref, []));
        });
      });
    const events: AdmissionLogEvent[] = [];
    const open = await serve(await configOf(`${gate}failurePolicy: open\ndeadlineMs: 300\n`), { scanner: slow, log: (e) => events.push(e) });
    const closed = await serve(await configOf(`${gate}failurePolicy: closed\ndeadlineMs: 300\n`), { scanner: slow });
    const a = await post(open, tls.ca, review('pod-compliant.json'));
    // The deadline cut the slow scan short (its signal fired) instead of waiting for it to finish.
    expect(aborted).toBe(1);
    expect(finishedUnaborted).toBe(0);
    expect(a.json!.response.allowed).toBe(true);
    expect(a.json!.response.warnings![0]).toContain('failurePolicy open');
    expect(a.json!.response.warnings![0]).toContain('300 ms deadline');
    expect(a.json!.response.auditAnnotations!['failure']).toContain('deadline');
    expect(events.map((e) => e.outcome)).toEqual(['failed-open']);
    const b = await post(closed, tls.ca, review('pod-compliant.json'));
    expect(b.json!.response.allowed).toBe(false);
    expect(b.json!.response.status!.code).toBe(500);
    expect(b.json!.response.status!.message).toContain('failurePolicy closed');
  });

  it('a scan on demand that outlives its budget (but not the deadline) counts as unscanned', async () => {
    let aborted = 0;
    const slow: AdmissionDependencies['scanner'] = (ref, budget, ctx) =>
      new Promise((resolve) => {
        expect(budget).toBe(200);
        const t = setTimeout(() => resolve(scanResult(ref, [critical])), 3000);
        ctx.signal.addEventListener('abort', () => {
          aborted++;
          clearTimeout(t);
        });
      });
    const budget = 'vulnerabilities:\n  denyUnfixedCritical: true\n  scanBudgetMs: 200\n';
    const deny = await serve(await configOf(`deadlineMs: 5000\n${budget}  unscanned: deny\n`), { scanner: slow });
    const allow = await serve(await configOf(`deadlineMs: 5000\n${budget}  unscanned: allow\n`), { scanner: slow });
    const d = await post(deny, tls.ca, review('pod-compliant.json'));
    expect(d.json!.response.allowed).toBe(false);
    expect(d.json!.response.status!.code).toBe(403);
    expect(d.json!.response.status!.message).toContain('has no stored scan and the scan on demand did not finish within its 200 ms budget');
    const a = await post(allow, tls.ca, review('pod-compliant.json'));
    expect(a.json!.response.allowed).toBe(true);
    expect(a.json!.response.warnings![0]).toContain('200 ms budget');
    expect(aborted).toBe(2);
  });

  it('a scanner failure follows failurePolicy too', async () => {
    const broken: AdmissionDependencies['scanner'] = () => Promise.reject(new Error('registry.example.com: connection refused'));
    const url = await serve(await configOf(`${gate}failurePolicy: closed\n`), { scanner: broken });
    const r = await post(url, tls.ca, review('pod-compliant.json'));
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.message).toContain('connection refused');
  });
});

describe('HTTP edges', () => {
  it('answers 400 to non-JSON and non-reviews, 415 to other content types, 404 elsewhere, and serves /healthz', async () => {
    const url = await serve(await configOf('{}\n'));
    expect((await post(url, tls.ca, '{"apiVersion":')).status).toBe(400);
    const notReview = await post(url, tls.ca, { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} });
    expect(notReview.status).toBe(400);
    expect(notReview.body).toContain('admissionReviewVersions');
    expect((await post(url, tls.ca, review('pod-compliant.json'), { contentType: 'text/plain' })).status).toBe(415);
    expect((await post(url, tls.ca, review('pod-compliant.json'), { path: '/mutate' })).status).toBe(404);
    const health = await new Promise<number>((resolve, reject) => {
      https
        .get(`${url}/healthz`, { ca: tls.ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(health).toBe(200);
  });

  it('a review with a uid but a malformed request is answered per failurePolicy', async () => {
    const url = await serve(await configOf('failurePolicy: closed\n'));
    const r = await post(url, tls.ca, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u-1', operation: 'PATCH' } });
    expect(r.json!.response.uid).toBe('u-1');
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.code).toBe(500);
  });

  it('the served certificate is the one gen-certs.sh made for the Service names, and its CA is patched into the webhook', async () => {
    const webhook = parseAllDocuments(tls.webhookYaml)[0]!.toJS() as { webhooks: { clientConfig: { caBundle: string } }[] };
    expect(Buffer.from(webhook.webhooks[0]!.clientConfig.caBundle, 'base64').toString('utf8')).toBe(tls.ca);
    const url = await serve(await configOf('{}\n'));
    // Without the CA the TLS handshake must fail.
    await expect(post(url, '', review('pod-compliant.json'))).rejects.toThrow();
  });
});
