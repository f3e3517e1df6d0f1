/** Round trip on SQLite with the real example image and the example vulnerability database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDb } from '../vuln/db/index.js';
import { openApiDocument } from './app.js';
import { parseListen, startServer, type RunningServer } from './server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API responses are checked field by field
type Json = any;

const EXAMPLE = `oci:${path.resolve('examples/image')}:example`;
const dirs: string[] = [];
const temp = (p: string) => {
  const d = mkdtempSync(path.join(tmpdir(), p));
  dirs.push(d);
  return d;
};

let server: RunningServer;
let admin: string;
let tokens: Record<'viewer' | 'scanner' | 'admin2', string>;

async function call(method: string, url: string, token: string | undefined, body?: unknown): Promise<{ status: number; json: Json; text: string; headers: Headers }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* text */
  }
  return { status: res.status, json, text, headers: res.headers };
}

async function waitDone(id: string, token: string): Promise<Json> {
  for (let i = 0; i < 200; i++) {
    const r = await call('GET', `/api/v1/scans/${id}`, token);
    if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`scan ${id} did not finish`);
}

beforeAll(async () => {
  const dbDir = temp('bh-srv-vdb-');
  await importDb({ dir: dbDir, source: path.resolve('examples/osv') });
  let printed: string | undefined;
  server = await startServer({ listen: '127.0.0.1:0', dataDir: temp('bh-srv-data-'), workers: 2, allowLocalTargets: true, dbDir, onAdminToken: (t) => (printed = t), env: {} });
  admin = server.adminToken!;
  expect(printed).toBe(admin);
  const make = async (name: string, role: string) => (await call('POST', '/api/v1/tokens', admin, { name, role })).json.token as string;
  tokens = { viewer: await make('v', 'viewer'), scanner: await make('s', 'scanner'), admin2: await make('a', 'admin') };
}, 60_000);

afterAll(async () => {
  await server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('server round trip (SQLite)', () => {
  it('scans the example image and serves scans, images, findings, overview and SBOMs', async () => {
    const sub = await call('POST', '/api/v1/scans', tokens.scanner, { target: EXAMPLE });
    expect(sub.status).toBe(202);
    expect(sub.json.status).toBe('queued');
    const scan = await waitDone(sub.json.id, tokens.viewer);
    expect(scan.error).toBeNull();
    expect(scan.status).toBe('done');
    expect(scan.result.packages.length).toBeGreaterThan(0);
    expect(scan.summary.total).toBe(scan.result.findings.filter((f: Json) => !f.suppressedBy).length);
    expect(scan.summary.total).toBeGreaterThan(0);

    const list = await call('GET', '/api/v1/scans?limit=10&status=done', tokens.viewer);
    expect(list.json.items.map((i: Json) => i.id)).toContain(scan.id);

    const images = await call('GET', '/api/v1/images', tokens.viewer);
    expect(images.json.items).toHaveLength(1);
    const img = images.json.items[0];
    expect(img.digest).toBe(scan.imageDigest);
    expect(img.lastScanId).toBe(scan.id);
    expect(img.packages).toBe(scan.result.packages.length);
    expect(img.signed).toBeNull();

    const detail = await call('GET', `/api/v1/images/${encodeURIComponent(img.digest)}`, tokens.viewer);
    expect(detail.json.packages).toHaveLength(scan.result.packages.length);
    expect(detail.json.vulnerabilities.length).toBe(scan.result.findings.filter((f: Json) => f.kind === 'vulnerability').length);
    expect(detail.json.history[0].scanId).toBe(scan.id);
    expect(detail.json.layers.length).toBeGreaterThan(0);

    const vulns = await call('GET', '/api/v1/findings?kind=vulnerability&limit=1000', tokens.viewer);
    expect(vulns.json.total).toBe(detail.json.vulnerabilities.length);
    expect(vulns.json.items.every((f: Json) => f.scanId === scan.id && f.target === EXAMPLE && f.kind === 'vulnerability')).toBe(true);
    const fixable = await call('GET', '/api/v1/findings?fixable=true', tokens.viewer);
    expect(fixable.json.total).toBe(scan.summary.fixable);

    const ov = await call('GET', '/api/v1/overview', tokens.viewer);
    expect(ov.json.counts).toMatchObject({ images: 1, critical: scan.summary.critical, high: scan.summary.high, fixable: scan.summary.fixable });
    expect(ov.json.riskTrend.at(-1).date).toBe(new Date().toISOString().slice(0, 10));
    expect(ov.json.topIssues.length).toBeGreaterThan(0);

    const cdx = await call('GET', `/api/v1/images/${encodeURIComponent(img.digest)}/sbom?format=cyclonedx`, tokens.viewer);
    expect(cdx.status).toBe(200);
    expect(cdx.headers.get('content-disposition')).toMatch(/attachment/);
    expect(cdx.json.bomFormat).toBe('CycloneDX');
    const spdx = await call('GET', `/api/v1/images/${encodeURIComponent(img.digest)}/sbom?format=spdx-json`, tokens.viewer);
    expect(spdx.json.spdxVersion).toMatch(/^SPDX-2/);
    expect(spdx.json.packages.length).toBeGreaterThan(0);
  }, 60_000);

  it('scans SBOM content and records a failed scan with its reason', async () => {
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' }] };
    const ok = await call('POST', '/api/v1/scans', tokens.scanner, { target: 'app.cdx.json', kind: 'sbom', content: JSON.stringify(bom) });
    expect((await waitDone(ok.json.id, tokens.viewer)).status).toBe('done');
    const bad = await call('POST', '/api/v1/scans', tokens.scanner, { target: 'broken', kind: 'sbom', content: '{not json' });
    const failed = await waitDone(bad.json.id, tokens.viewer);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBeTruthy();
  }, 30_000);

  it('stores a Kubernetes scan and serves it as the latest report', async () => {
    expect((await call('GET', '/api/v1/kubernetes', tokens.viewer)).status).toBe(404);
    const manifest = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: root-pod, namespace: default }',
      'spec:',
      '  containers:',
      '    - name: app',
      '      image: nginx:1.25',
      '      securityContext: { privileged: true }',
    ].join('\n');
    const sub = await call('POST', '/api/v1/scans', tokens.scanner, { target: 'cluster-manifests', kind: 'kubernetes', content: manifest });
    const done = await waitDone(sub.json.id, tokens.viewer);
    expect(done.status).toBe('done');
    const report = await call('GET', '/api/v1/kubernetes', tokens.viewer);
    expect(report.json.scanId).toBe(sub.json.id);
    expect(report.json.findings.length).toBe(done.result.findings.length);
    expect(report.json.findings.length).toBeGreaterThan(0);
    expect(report.json.compliance).toEqual(done.result.compliance ?? []);
  }, 30_000);

  it('refuses bad input with 400 and says why', async () => {
    expect((await call('POST', '/api/v1/scans', tokens.scanner, { kind: 'image' })).status).toBe(400);
    const noContent = await call('POST', '/api/v1/scans', tokens.scanner, { target: 'x', kind: 'sbom' });
    expect(noContent.status).toBe(400);
    expect(noContent.json.hint).toBeTruthy();
    expect((await call('GET', '/api/v1/scans/nope', tokens.viewer)).status).toBe(404);
  });

  it('auth: 401 without or with a wrong token, 403 for a too-weak role', async () => {
    expect((await call('GET', '/api/v1/scans', undefined)).status).toBe(401);
    expect((await call('GET', '/api/v1/scans', 'bh_wrong')).status).toBe(401);
    expect((await call('GET', '/api/v1/scans', tokens.viewer)).status).toBe(200);
    expect((await call('POST', '/api/v1/scans', tokens.viewer, { target: 'registry.example/a:1' })).status).toBe(403);
    expect((await call('POST', '/api/v1/runtime/alerts', tokens.viewer, { time: 't', rule: 'r', priority: 'p', output: 'o' })).status).toBe(403);
    expect((await call('POST', '/api/v1/tokens', tokens.scanner, { name: 'x', role: 'admin' })).status).toBe(403);
    expect((await call('GET', '/api/v1/tokens', tokens.scanner)).status).toBe(403);
    expect((await call('GET', '/api/v1/audit', tokens.viewer)).status).toBe(403);
    expect((await call('GET', '/api/v1/notifications', tokens.viewer)).status).toBe(403);
    expect((await call('POST', '/api/v1/admin/rescan', tokens.scanner)).status).toBe(403);
    expect((await call('POST', '/api/v1/registries', tokens.scanner, { host: 'r.example', repositories: ['a'], intervalSeconds: 60 })).status).toBe(403);
    expect((await call('GET', '/api/v1/tokens', tokens.admin2)).status).toBe(200);
    // health and metrics need no token
    expect((await call('GET', '/healthz', undefined)).status).toBe(200);
  });

  it('revoked tokens stop working; admin actions are audited without secrets', async () => {
    const made = await call('POST', '/api/v1/tokens', admin, { name: 'temp', role: 'viewer' });
    expect((await call('GET', '/api/v1/images', made.json.token)).status).toBe(200);
    expect((await call('DELETE', `/api/v1/tokens/${made.json.id}`, admin)).status).toBe(204);
    expect((await call('GET', '/api/v1/images', made.json.token)).status).toBe(401);
    const reg = await call('POST', '/api/v1/registries', tokens.admin2, { host: 'r.example:5000', repositories: ['team/*'], intervalSeconds: 3600, username: 'u', password: 'hunter2-secret' });
    expect(reg.status).toBe(201);
    expect(reg.text).not.toContain('hunter2-secret');
    const audit = await call('GET', '/api/v1/audit?limit=100', admin);
    const actions = audit.json.items.map((a: Json) => a.action);
    expect(actions).toContain('POST /api/v1/tokens');
    expect(actions).toContain('DELETE /api/v1/tokens/:id');
    expect(actions).toContain('POST /api/v1/registries');
    expect(audit.json.items.find((a: Json) => a.action === 'DELETE /api/v1/tokens/:id').target).toBe(made.json.id);
    expect(audit.text).not.toContain('hunter2-secret');
    expect(audit.text).not.toContain(made.json.token);
    const listed = await call('GET', '/api/v1/tokens', admin);
    expect(listed.text).not.toContain(tokens.viewer);
    expect((await call('DELETE', `/api/v1/registries/${reg.json.id}`, admin)).status).toBe(204);
  });

  it('runtime alerts in, alerts out; registry events queue scans of pushed manifests', async () => {
    const now = new Date().toISOString();
    const one = { time: now, rule: 'Terminal shell in container', priority: 'Warning', source: 'syscall', output: 'shell', outputFields: { 'proc.name': 'bash' }, tags: ['shell'] };
    expect((await call('POST', '/api/v1/runtime/alerts', tokens.scanner, one)).status).toBe(202);
    expect((await call('POST', '/api/v1/runtime/alerts', tokens.scanner, [one, { ...one, rule: 'Other' }])).status).toBe(202);
    const got = await call('GET', `/api/v1/runtime/alerts?since=${encodeURIComponent(now)}`, tokens.viewer);
    expect(got.json.items).toHaveLength(3);
    expect(got.json.items[0].outputFields).toEqual({ 'proc.name': 'bash' });
    expect((await call('GET', '/api/v1/overview', tokens.viewer)).json.counts.runtimeAlerts24h).toBe(3);
    expect((await call('POST', '/api/v1/runtime/alerts', tokens.scanner, { rule: 'missing fields' })).status).toBe(400);

    const digest = `sha256:${'a'.repeat(64)}`;
    const ev = await call('POST', '/api/v1/registry-events', tokens.scanner, {
      events: [
        { action: 'push', target: { repository: 'team/app', digest, tag: 'v1', mediaType: 'application/vnd.oci.image.manifest.v1+json' }, request: { host: '127.0.0.1:1' } },
        { action: 'push', target: { repository: 'team/app', digest, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }, request: { host: '127.0.0.1:1' } },
        { action: 'pull', target: { repository: 'team/app', digest }, request: { host: '127.0.0.1:1' } },
      ],
    });
    expect(ev.status).toBe(202);
    expect(ev.json.queued).toHaveLength(1);
    const queued = await call('GET', `/api/v1/scans/${ev.json.queued[0]}`, tokens.viewer);
    expect(queued.json.target).toBe(`127.0.0.1:1/team/app@${digest}`);
  });

  it('health, readiness and metrics', async () => {
    const ready = await call('GET', '/readyz', undefined);
    expect(ready.status).toBe(200);
    expect(ready.json.checks).toEqual({ database: true, migrations: true, vulnerabilityDb: true });
    const m = await call('GET', '/metrics', undefined);
    expect(m.text).toMatch(/bulkhead_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/scans\/:id",status="200"\} \d+/);
    expect(m.text).toMatch(/bulkhead_scans\{status="done"\} [1-9]/);
    expect(m.text).toContain('bulkhead_queue_depth');
    expect(m.text).toMatch(/bulkhead_job_duration_seconds_count\{outcome="done"\} [1-9]/);
    expect(m.text).toMatch(/bulkhead_runtime_alerts_total\{priority="warning"\} 3/);
    expect(m.text).toContain('bulkhead_db_errors_total 0');
  });

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const doc = (await call('GET', '/openapi.json', undefined)).json;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/scans', '/api/v1/scans/{id}', '/api/v1/images/{digest}/sbom', '/api/v1/overview', '/readyz']));
    expect(doc.paths['/api/v1/scans'].post.requestBody.content['application/json'].schema.required).toEqual(['target']);
    const offline = await openApiDocument();
    expect(Object.keys(offline.paths as object).sort()).toEqual(Object.keys(doc.paths).sort());
  });
});

describe('local targets and listen addresses', () => {
  it('refuses local targets unless allowed', async () => {
    const s = await startServer({ listen: '127.0.0.1:0', dataDir: temp('bh-srv-data2-'), workers: 0, allowLocalTargets: false, adminToken: 'bh_fixed-admin-token', env: {} });
    try {
      for (const target of [EXAMPLE, 'docker-archive:/tmp/x.tar', '/etc', '../x']) {
        const r = await fetch(`${s.url}/api/v1/scans`, { method: 'POST', headers: { authorization: 'Bearer bh_fixed-admin-token', 'content-type': 'application/json' }, body: JSON.stringify({ target }) });
        expect(r.status, target).toBe(400);
      }
      const ok = await fetch(`${s.url}/api/v1/scans`, { method: 'POST', headers: { authorization: 'Bearer bh_fixed-admin-token', 'content-type': 'application/json' }, body: JSON.stringify({ target: 'registry.example/team/app:1' }) });
      expect(ok.status).toBe(202);
    } finally {
      await s.close();
    }
  });

  it('parses --listen', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseListen(':80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(() => parseListen('nope')).toThrow(/--listen/);
  });
});
