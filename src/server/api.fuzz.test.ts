/** Hostile request bodies never crash the API: every answer is a JSON 2xx/4xx, never a 5xx. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerPki } from '../registry/testing/certs.js';
import { startServer, type RunningServer } from './server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bh-fuzz-'));
let server: RunningServer;
const TOKEN = 'bh_fuzz-admin';

beforeAll(async () => {
  server = await startServer({ listen: '127.0.0.1:0', dataDir: dir, workers: 0, allowLocalTargets: false, adminToken: TOKEN, env: {} });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ROUTES = ['/api/v1/scans', '/api/v1/runtime/alerts', '/api/v1/registry-events', '/api/v1/registries', '/api/v1/tokens', '/api/v1/notifications'];

describe('API input fuzzing', () => {
  it('answers random JSON bodies with 2xx/4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.jsonValue({ maxDepth: 4 }), async (route, body) => {
        const r = await fetch(`${server.url}${route}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await r.text();
        expect(r.status, `${route} ${text}`).toBeLessThan(500);
        expect(() => JSON.parse(text)).not.toThrow();
      }),
      { numRuns: 60 },
    );
  }, 20_000);

  it('answers shaped but hostile registry events and queries with 2xx/4xx', async () => {
    const event = fc.record({
      action: fc.constantFrom('push', 'pull', 'delete', ''),
      target: fc.record({ repository: fc.string(), digest: fc.oneof(fc.string(), fc.constant(`sha256:${'b'.repeat(64)}`)), mediaType: fc.string() }, { requiredKeys: [] }),
      request: fc.record({ host: fc.string() }, { requiredKeys: [] }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 5 }), fc.string(), async (events, q) => {
        const r = await fetch(`${server.url}/api/v1/registry-events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
        expect(r.status).toBe(202);
        const s = await fetch(`${server.url}/api/v1/scans?limit=${encodeURIComponent(q)}&status=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(s.status).toBeLessThan(500);
        const f = await fetch(`${server.url}/api/v1/images/${encodeURIComponent(q || 'x')}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect([200, 404, 400]).toContain(f.status);
      }),
      { numRuns: 40 },
    );
  }, 20_000);

  it('rejects malformed JSON and oversized content with 4xx', async () => {
    const bad = await fetch(`${server.url}/api/v1/scans`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"target":' });
    expect(bad.status).toBe(400);
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const nested = await fetch(`${server.url}/api/v1/runtime/alerts`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: deep });
    expect(nested.status).toBe(400);
  });
});

describe('TLS', () => {
  it('serves https with --tls-cert/--tls-key', async () => {
    const tlsDir = mkdtempSync(path.join(tmpdir(), 'bh-tls-'));
    const pki = await makeServerPki(tlsDir);
    const s = await startServer({ listen: '127.0.0.1:0', dataDir: tlsDir, workers: 0, allowLocalTargets: false, adminToken: TOKEN, tls: { cert: pki.serverCert, key: pki.serverKey }, env: {} });
    try {
      expect(s.url).toMatch(/^https:/);
      const https = await import('node:https');
      const { readFileSync } = await import('node:fs');
      const status = await new Promise<number>((resolve, reject) => {
        https.get(`${s.url}/healthz`, { ca: readFileSync(pki.caFile) }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject);
      });
      expect(status).toBe(200);
    } finally {
      await s.close();
      rmSync(tlsDir, { recursive: true, force: true });
    }
  });
});
