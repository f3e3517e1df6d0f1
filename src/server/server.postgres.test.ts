/** The API on PostgreSQL with in-process pg-boss workers (`--workers N`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDb } from '../vuln/db/index.js';
import { startServer, type RunningServer } from './server.js';
import { findPostgresBin, startPostgres, type PostgresInstance } from './testing/postgres.js';

const bin = findPostgresBin();
if (!bin) console.log('PostgreSQL server test skipped: no initdb found');

describe.skipIf(!bin)('server on PostgreSQL', () => {
  let pg: PostgresInstance;
  let server: RunningServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'bh-srv-pg-'));
  beforeAll(async () => {
    pg = await startPostgres();
    await importDb({ dir: path.join(dir, 'vdb'), source: path.resolve('examples/osv') });
    server = await startServer({ listen: '127.0.0.1:0', database: pg.url, dataDir: dir, dbDir: path.join(dir, 'vdb'), workers: 2, allowLocalTargets: false, boss: { pollingIntervalSeconds: 0.5 }, env: {} });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the initial admin token, runs an SBOM scan through pg-boss and serves findings', async () => {
    const token = server.adminToken!;
    expect(token).toMatch(/^bh_/);
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'lodash', version: '4.17.19', purl: 'pkg:npm/lodash@4.17.19' }] };
    const sub = (await (await fetch(`${server.url}/api/v1/scans`, { method: 'POST', headers: h, body: JSON.stringify({ target: 'app', kind: 'sbom', content: JSON.stringify(bom) }) })).json()) as { id: string };
    let scan: { status: string; summary: { total: number } } | undefined;
    for (let i = 0; i < 100 && scan?.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      scan = (await (await fetch(`${server.url}/api/v1/scans/${sub.id}`, { headers: h })).json()) as typeof scan;
    }
    expect(scan?.status).toBe('done');
    const findings = (await (await fetch(`${server.url}/api/v1/findings?kind=vulnerability`, { headers: h })).json()) as { total: number; items: Array<{ id: string; package: { name: string } }> };
    expect(findings.total).toBe(scan!.summary.total);
    expect(findings.items.every((f) => f.package.name === 'lodash')).toBe(true);
    expect(findings.total).toBeGreaterThan(0);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  }, 30_000);
});
