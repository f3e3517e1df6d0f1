/** One suite, two databases: SQLite and a real throw-away PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Finding, ScanResult } from '../../core/types.js';
import { findPostgresBin, startPostgres, type PostgresInstance } from '../testing/postgres.js';
import { migrate, migrationsApplied, numberPlaceholders, openStore, hashToken, type Store } from './index.js';

function result(digest: string, ref: string, findings: Array<Partial<Finding> & { id: string }>): ScanResult {
  return {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version: 'test' },
    createdAt: new Date().toISOString(),
    target: { kind: 'image', name: ref },
    image: { reference: ref, manifestDigest: digest, configDigest: 'sha256:cfg', os: 'linux', architecture: 'amd64', config: {}, history: [], layers: [] },
    packages: [{ id: 'deb:zlib@1', type: 'deb', name: 'zlib', version: '1', purl: 'pkg:deb/debian/zlib@1', foundBy: 'dpkg', locations: [] }],
    findings: findings.map((f) => ({ kind: 'vulnerability', title: `t ${f.id}`, severity: 'high', location: {}, references: [], ...f }) as Finding),
    notices: [],
    scanners: ['vuln'],
    stats: { layersRead: 0, layersFromCache: 0, filesAnalyzed: 0, bytesRead: 0, durationMs: 0 },
  };
}

const pgBin = findPostgresBin();
if (!pgBin) console.log('store contract: PostgreSQL leg skipped: no initdb found');

const backends: Array<{ name: string; open: () => Promise<{ url?: string; dir: string; done: () => Promise<void> }> }> = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'bh-store-'));
      return { dir, done: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];
if (pgBin) {
  backends.push({
    name: 'postgres',
    open: async () => {
      const pg: PostgresInstance = await startPostgres();
      const dir = mkdtempSync(path.join(tmpdir(), 'bh-store-'));
      return { url: pg.url, dir, done: async () => (await pg.stop(), rmSync(dir, { recursive: true, force: true })) };
    },
  });
}

describe('numberPlaceholders', () => {
  it('numbers ? outside quotes only', () => {
    expect(numberPlaceholders("SELECT ? , '?' , \"a?\" , ?")).toBe("SELECT $1 , '?' , \"a?\" , $2");
    fc.assert(
      fc.property(fc.array(fc.constantFrom('?', 'a', ' ', ','), { maxLength: 40 }), (parts) => {
        const sql = parts.join('');
        const out = numberPlaceholders(sql);
        const count = parts.filter((p) => p === '?').length;
        expect(out.includes('?')).toBe(false);
        if (count) expect(out).toContain(`$${count}`);
      }),
      { numRuns: 100 },
    );
  });
});

describe.each(backends)('store on $name', (backend) => {
  let store: Store;
  let env: Awaited<ReturnType<(typeof backends)[0]['open']>>;
  beforeAll(async () => {
    env = await backend.open();
    store = await openStore({ database: env.url, dataDir: env.dir });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await env?.done();
  });

  it('applies migrations once, and again concurrently without harm', async () => {
    expect(await migrationsApplied(store.db)).toBe(true);
    const again = await Promise.all([migrate(store.db), migrate(store.db)]);
    expect(again).toEqual([[], []]);
    const second = await openStore({ database: env.url, dataDir: env.dir });
    expect(await migrationsApplied(second.db)).toBe(true);
    await second.close();
  });

  it('moves a scan queued → running → done once and stores findings, image and inventory', async () => {
    const scan = await store.scans.createScan({ kind: 'image', target: 'example:1' });
    expect(scan.status).toBe('queued');
    expect(await store.scans.startScan(scan.id, 'w1')).toBe(true);
    const r = result('sha256:aaa', 'example:1', [
      { id: 'CVE-1', severity: 'critical', fixedVersion: '2' },
      { id: 'CVE-2', severity: 'low' },
    ]);
    expect(await store.scans.completeScan(scan.id, r)).toBe(true);
    expect(await store.scans.completeScan(scan.id, r)).toBe(false);
    expect(await store.scans.startScan(scan.id, 'w2')).toBe(false);
    const got = await store.scans.getScan(scan.id, true);
    expect(got?.status).toBe('done');
    expect(got?.summary).toEqual({ critical: 1, high: 0, medium: 0, low: 1, unknown: 0, fixable: 1, total: 2 });
    expect(got?.result?.findings).toHaveLength(2);
    expect(await store.scans.findingsOfScan(scan.id)).toHaveLength(2);
    const images = await store.scans.listImages();
    expect(images.items.map((i) => i.digest)).toContain('sha256:aaa');
    expect(images.total).toBe(images.items.length);
    expect((await store.scans.listImages({ limit: 1, offset: images.total })).items).toEqual([]);
    const inv = await store.scans.getInventory('sha256:aaa');
    expect(inv?.packages[0]?.name).toBe('zlib');
    const f = await store.scans.listFindings({ severity: 'critical' });
    expect(f.items.map((x) => x.id)).toEqual(['CVE-1']);
    expect((await store.scans.listFindings({ fixable: true })).total).toBe(1);
    expect((await store.scans.listFindings({ fixable: false })).items.map((x) => x.id)).toEqual(['CVE-2']);
    expect((await store.scans.listFindings({ target: 'example:1', id: 'CVE-2' })).total).toBe(1);
    expect((await store.scans.listFindings({ target: 'other' })).total).toBe(0);
    expect((await store.scans.listFindings({ scanId: scan.id })).total).toBe(2);
    // Text search: any case, over id and title; LIKE wildcards are literal.
    expect((await store.scans.listFindings({ q: 'cve-1' })).items.map((x) => x.id)).toEqual(['CVE-1']);
    expect((await store.scans.listFindings({ q: 'T CVE' })).total).toBe(2);
    expect((await store.scans.listFindings({ q: '%' })).total).toBe(0);
    expect((await store.scans.listFindings({ q: '_' })).total).toBe(0);
    const ov = await store.scans.overview(new Date(0).toISOString());
    expect(ov.counts.critical).toBe(1);
    expect(ov.topIssues[0]?.id).toBe('CVE-1');
    expect(ov.riskTrend.at(-1)?.critical).toBe(1);
  });

  it('a later scan of the same target replaces its findings in the current view', async () => {
    const s = await store.scans.createScan({ kind: 'image', target: 'example:1' });
    await store.scans.startScan(s.id, 'w');
    await store.scans.completeScan(s.id, result('sha256:aaa', 'example:1', [{ id: 'CVE-3', severity: 'medium' }]));
    const ids = (await store.scans.listFindings({})).items.map((x) => x.id);
    expect(ids).toEqual(['CVE-3']);
    expect((await store.scans.imageHistory('sha256:aaa')).length).toBe(2);
  });

  it('fails a scan with its error and lists/filters scans', async () => {
    const s = await store.scans.createScan({ kind: 'sbom', target: 'sbom', content: '{}' });
    expect(await store.scans.scanContent(s.id)).toBe('{}');
    expect(await store.scans.failScan(s.id, 'bad sbom')).toBe(true);
    const list = await store.scans.listScans({ status: 'failed' });
    expect(list.items.map((i) => i.error)).toContain('bad sbom');
    expect((await store.scans.listScans({ kind: 'image', limit: 1 })).items).toHaveLength(1);
    const counts = await store.scans.countByStatus();
    expect(counts.failed).toBeGreaterThanOrEqual(1);
  });

  it('jobs: claim is exclusive and expired leases are re-queued', async () => {
    const s = await store.scans.createScan({ kind: 'image', target: 'j' });
    await store.jobs.enqueue(s.id);
    const [a, b] = await Promise.all([store.jobs.claim('a', 10), store.jobs.claim('b', 10)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await store.jobs.requeueExpired(new Date(Date.now() + 1000))).toBe(1);
    const again = await store.jobs.claim('c', 60_000);
    expect(again?.scanId).toBe(s.id);
    expect(again?.attempts).toBe(2);
    await store.jobs.finish(again!.id, 'done');
    expect(await store.jobs.depth()).toBe(0);
  });

  it('tokens are stored as hashes; audit, alerts, registries, notifications, meta', async () => {
    const t = await store.admin.createToken('ci', 'scanner', 'secret-token');
    const raw = await store.db.query('SELECT hash FROM tokens WHERE id = ?', [t.id]);
    expect(raw[0]?.hash).toBe(hashToken('secret-token'));
    expect(JSON.stringify(await store.db.query('SELECT * FROM tokens'))).not.toContain('secret-token');
    expect((await store.admin.tokenByHash(hashToken('secret-token')))?.role).toBe('scanner');
    expect(await store.admin.deleteToken(t.id)).toBe(true);
    expect(await store.admin.tokenByHash(hashToken('secret-token'))).toBeNull();

    await store.admin.audit('actor', 'token.create', 'x', { role: 'admin' });
    expect((await store.admin.listAudit())[0]).toMatchObject({ action: 'token.create', details: { role: 'admin' } });

    await store.admin.addAlerts([{ time: '2030-01-01T00:00:00Z', rule: 'shell', priority: 'Warning', output: 'o', outputFields: { a: 1 }, tags: ['x'] }]);
    expect((await store.admin.listAlerts('2029-01-01T00:00:00Z'))[0]).toMatchObject({ rule: 'shell', outputFields: { a: 1 } });

    const reg = await store.admin.addRegistry({ host: 'r.example', repositories: ['team/*'], intervalSeconds: 60, username: 'u', password: 'p' });
    expect(reg).toMatchObject({ hasPassword: true, repositories: ['team/*'] });
    expect(JSON.stringify(await store.admin.listRegistries())).not.toContain('"p"');
    expect(await store.admin.seeTag(reg.id, 'team/a', 'v1', 'sha256:1')).toBe(true);
    expect(await store.admin.seeTag(reg.id, 'team/a', 'v1', 'sha256:1')).toBe(false);
    expect(await store.admin.seeTag(reg.id, 'team/a', 'v1', 'sha256:2')).toBe(true);
    expect(await store.admin.deleteRegistry(reg.id)).toBe(true);

    await store.admin.addNotification('http://127.0.0.1:1/hook');
    expect((await store.admin.listNotifications()).map((n) => n.url)).toContain('http://127.0.0.1:1/hook');
    await store.admin.setMeta('k', 'v1');
    await store.admin.setMeta('k', 'v2');
    expect(await store.admin.getMeta('k')).toBe('v2');
    // Compare-and-set: of callers racing on the same change, exactly one wins.
    const racing = await Promise.all([1, 2, 3, 4].map(() => store.admin.swapMeta('k', 'v2', 'v3')));
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await store.admin.swapMeta('k', 'v2', 'v4')).toBe(false);
    expect(await store.admin.getMeta('k')).toBe('v3');
    const first = await Promise.all([1, 2, 3].map(() => store.admin.swapMeta('fresh', null, 'a')));
    expect(first.filter(Boolean)).toHaveLength(1);
  });

  it('a failing transaction leaves nothing behind', async () => {
    await expect(
      store.db.transaction(async (tx) => {
        await tx.exec('INSERT INTO meta (key, value) VALUES (?, ?)', ['rollback', 'x']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.admin.getMeta('rollback')).toBeNull();
  });
});
