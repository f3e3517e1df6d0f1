/**
 * Scale-out on a real PostgreSQL: one API server (enqueue only) and three
 * worker processes (real `node` children of testing/worker-entry.ts) share a
 * burst of 200 SBOM scans; one worker is SIGKILLed while it holds jobs.
 * Every scan must end done exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDb } from '../../vuln/db/index.js';
import { startServer, type RunningServer } from '../server.js';
import { bundleWorker } from '../testing/bundle.js';
import { findPostgresBin, startPostgres, type PostgresInstance } from '../testing/postgres.js';

const bin = findPostgresBin();
if (!bin) console.log('scale-out test skipped: no initdb found');

const BOM = JSON.stringify({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  components: [
    { type: 'library', name: 'lodash', version: '4.17.19', purl: 'pkg:npm/lodash@4.17.19' },
    { type: 'library', name: 'minimist', version: '1.2.5', purl: 'pkg:npm/minimist@1.2.5' },
  ],
});
const JOBS = 200;
const EXPIRE_S = 3;

interface Child {
  name: string;
  proc: ChildProcess;
  claimed: string[];
  ready: Promise<void>;
}

describe.skipIf(!bin)('scale-out with pg-boss workers', () => {
  let pg: PostgresInstance;
  let server: RunningServer;
  const dirs: string[] = [];
  const children: Child[] = [];
  let workerFile: string;
  let dbDir: string;

  beforeAll(async () => {
    [pg, workerFile] = await Promise.all([startPostgres(), bundleWorker()]);
    dbDir = mkdtempSync(path.join(tmpdir(), 'bh-scale-vdb-'));
    dirs.push(dbDir);
    await importDb({ dir: dbDir, source: path.resolve('examples/osv') });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bh-scale-data-'));
    dirs.push(dataDir);
    server = await startServer({
      listen: '127.0.0.1:0',
      database: pg.url,
      dataDir,
      dbDir,
      workers: 0,
      allowLocalTargets: false,
      adminToken: 'bh_scale-admin',
      boss: { expireInSeconds: EXPIRE_S, retryLimit: 10, maintenanceIntervalSeconds: 1 },
      env: {},
    });
  }, 90_000);

  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await server?.close();
    await pg?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function spawnWorker(name: string, slowMs: number): Child {
    const proc = spawn(process.execPath, [workerFile], {
      env: { ...process.env, BH_DATABASE: pg.url, BH_DB_DIR: dbDir, BH_NAME: name, BH_SLOW_MS: String(slowMs), BH_EXPIRE: String(EXPIRE_S) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const claimed: string[] = [];
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      let buf = '';
      proc.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line === 'ready') resolve();
          else if (line.startsWith('claimed ')) claimed.push(line.slice(8));
        }
      });
      proc.once('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before ready: ${stderr}`)));
    });
    const child = { name, proc, claimed, ready };
    children.push(child);
    return child;
  }

  it('200 scans over 3 worker processes, one SIGKILLed mid-job: all done exactly once', async () => {
    const t0 = Date.now();
    const w1 = spawnWorker('w1', 0);
    const w2 = spawnWorker('w2', 0);
    const victim = spawnWorker('victim', 2000);
    await Promise.all([w1.ready, w2.ready, victim.ready]);

    const headers = { authorization: 'Bearer bh_scale-admin', 'content-type': 'application/json' };
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, JOBS - i) }, async (_, k) => {
          const r = await fetch(`${server.url}/api/v1/scans`, { method: 'POST', headers, body: JSON.stringify({ target: `bom-${i + k}`, kind: 'sbom', content: BOM }) });
          expect(r.status).toBe(202);
          return ((await r.json()) as { id: string }).id;
        }),
      );
      ids.push(...batch);
    }

    // Kill the slow worker while it holds jobs (it sleeps 2 s after each claim).
    while (victim.claimed.length < 1) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    victim.proc.kill('SIGKILL');
    await new Promise<void>((r) => (victim.proc.exitCode !== null || victim.proc.signalCode !== null ? r() : victim.proc.once('exit', () => r())));
    // What it held when it died: claimed and not finished.
    const unfinished = new Set(
      (await server.store.db.query("SELECT id FROM scans WHERE status <> 'done' AND worker = 'victim'")).map((r) => String(r.id)),
    );
    const held = victim.claimed.filter((id) => unfinished.has(id));

    const deadline = Date.now() + 45_000;
    let rows: Array<Record<string, unknown>> = [];
    for (;;) {
      rows = await server.store.db.query('SELECT id, status, worker, completions, n_total FROM scans');
      if (rows.filter((r) => r.status === 'done' || r.status === 'failed').length === JOBS) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const byStatus = rows.reduce<Record<string, number>>((m, r) => ((m[String(r.status)] = (m[String(r.status)] ?? 0) + 1), m), {});
    expect(byStatus).toEqual({ done: JOBS });
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
    expect(rows.every((r) => Number(r.completions) === 1)).toBe(true);
    // No duplicated findings: each scan's finding rows equal its summary total (2 vulnerable packages).
    const counts = await server.store.db.query('SELECT scan_id, COUNT(*) AS n FROM findings GROUP BY scan_id');
    expect(counts).toHaveLength(JOBS);
    const totals = new Map(rows.map((r) => [String(r.id), Number(r.n_total)]));
    for (const c of counts) expect(Number(c.n)).toBe(totals.get(String(c.scan_id)));
    expect(Math.min(...totals.values())).toBeGreaterThan(0);
    // The jobs the killed worker held were finished by the survivors.
    const finishedBy = new Map(rows.map((r) => [String(r.id), String(r.worker)]));
    expect(held.length).toBeGreaterThan(0);
    for (const id of held) expect(finishedBy.get(id)).not.toBe('victim');
    const shares = { w1: 0, w2: 0 };
    for (const w of finishedBy.values()) if (w === 'w1' || w === 'w2') shares[w]++;
    expect(shares.w1).toBeGreaterThan(0);
    expect(shares.w2).toBeGreaterThan(0);
    console.log(`scale-out: ${JOBS} scans in ${Date.now() - t0} ms; w1 ${shares.w1}, w2 ${shares.w2}; victim held ${held.length} when killed and finished ${JOBS - shares.w1 - shares.w2} before`);

    w1.proc.kill('SIGTERM');
    w2.proc.kill('SIGTERM');
  }, 90_000);
});
