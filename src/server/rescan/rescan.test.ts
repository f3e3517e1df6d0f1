/** Rescan on a vulnerability DB change, with a real local webhook receiver. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDb } from '../../vuln/db/index.js';
import { startServer, type RunningServer } from '../server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API responses are checked field by field
type Json = any;

const dirs: string[] = [];
const temp = (p: string) => {
  const d = mkdtempSync(path.join(tmpdir(), p));
  dirs.push(d);
  return d;
};

let receiver: http.Server;
let hookUrl: string;
const received: Json[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const addr = receiver.address() as { port: number };
  hookUrl = `http://127.0.0.1:${addr.port}/hook`;
});

afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('rescans', () => {
  let server: RunningServer;
  afterAll(async () => server?.close());

  it('a DB update re-matches stored inventories, stores a rescan and notifies only about new findings', async () => {
    // Start with only the npm advisories: the Debian image gets no OS vulnerabilities.
    const partial = temp('bh-osv-partial-');
    cpSync(path.resolve('examples/osv/npm'), path.join(partial, 'npm'), { recursive: true });
    const dbDir = temp('bh-rescan-vdb-');
    await importDb({ dir: dbDir, source: partial });
    server = await startServer({ listen: '127.0.0.1:0', dataDir: temp('bh-rescan-data-'), workers: 1, allowLocalTargets: true, dbDir, adminToken: 'bh_rescan-admin', rescanIntervalMs: 200, env: {} });
    const api = async (method: string, url: string, body?: unknown) => {
      const headers: Record<string, string> = { authorization: 'Bearer bh_rescan-admin', ...(body ? { 'content-type': 'application/json' } : {}) };
      const r = await fetch(`${server.url}${url}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
      return r.json() as Promise<Json>;
    };
    expect((await api('POST', '/api/v1/notifications', { url: hookUrl })).url).toBe(hookUrl);
    const { id } = await api('POST', '/api/v1/scans', { target: `oci:${path.resolve('examples/image')}:example` });
    let scan: Json;
    for (let i = 0; i < 200 && scan?.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      scan = await api('GET', `/api/v1/scans/${id}`);
    }
    expect(scan.status).toBe('done');
    const before = scan.result.findings.filter((f: Json) => f.kind === 'vulnerability').length;

    // Nothing changed: an explicit rescan finds nothing new and notifies nobody.
    const same = await api('POST', '/api/v1/admin/rescan');
    expect(same).toMatchObject({ images: 1, newFindings: 0 });
    expect(received).toHaveLength(0);

    // The database gains the Debian advisories: the interval check notices and rescans.
    await importDb({ dir: dbDir, source: path.resolve('examples/osv') });
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    const event = received[0].body;
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(event.event).toBe('new-findings');
    expect(event.image).toBe(scan.imageDigest);
    expect(event.findings.length).toBeGreaterThan(0);
    expect(event.findings.every((f: Json) => /CVE|DSA/.test(f.id))).toBe(true);

    const rescan = await api('GET', `/api/v1/scans/${event.scanId}`);
    expect(rescan.kind).toBe('rescan');
    expect(rescan.result.findings.filter((f: Json) => f.kind === 'vulnerability').length).toBe(before + event.findings.length);
    const image = await api('GET', `/api/v1/images/${encodeURIComponent(scan.imageDigest)}`);
    expect(image.lastScanId).toBe(event.scanId);
    expect(image.history.map((x: Json) => x.scanId)).toEqual([event.scanId, same.scans[0], id]);

    // Seen once: the next interval does not rescan again.
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(1);
  }, 60_000);
});
