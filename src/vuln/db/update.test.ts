import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BucketServer } from './testdata/bucket-server.js';
import { parseRetryAfter } from './http.js';
import { VulnDb, dbStatus, type DbStatus } from './store.js';
import { ensureDb, parseListingLine, updateDb, type UpdateDbOptions } from './update.js';
import { rejection } from '../../../test/helpers/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const SHARED = path.resolve(repoRoot, '../shared');
const TESTDATA = path.join(here, 'testdata');
const FAST = { retries: 2, backoffMs: 1, maxDelayMs: 20, timeoutMs: 5_000 };

let work: string;
let dir: string;
let bucket: BucketServer;

beforeEach(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'bulkhead-update-'));
  dir = path.join(work, 'db');
  bucket = BucketServer.fromDirectory(path.join(TESTDATA, 'osv'));
  await bucket.start();
});
afterEach(async () => {
  await bucket.stop();
  rmSync(work, { recursive: true, force: true });
});

function options(extra: Partial<UpdateDbOptions> = {}): UpdateDbOptions {
  return { dir, repository: bucket.url, ecosystems: ['npm', 'PyPI', 'Debian', 'Go'], http: FAST, ...extra };
}

function presentStatus(): DbStatus {
  const s = dbStatus(dir);
  if (!s.present) throw new Error('no database');
  return s;
}


describe('updateDb against a local bucket', () => {
  it('downloads all.zip on the first run, then only what modified_id.csv lists as newer', async () => {
    const first = await updateDb(options());
    expect(first.ecosystems.map((e) => [e.ecosystem, e.mode, e.counts.added])).toEqual([
      ['npm', 'full', 2],
      ['PyPI', 'full', 2],
      ['Debian', 'full', 1],
      ['Go', 'full', 1],
    ]);
    expect(bucket.requests).toEqual([
      '/npm/all.zip',
      '/npm/modified_id.csv',
      '/PyPI/all.zip',
      '/PyPI/modified_id.csv',
      '/Debian/all.zip',
      '/Debian/modified_id.csv',
      '/Go/all.zip',
      '/Go/modified_id.csv',
    ]);
    const status = presentStatus();
    expect(status.source).toBe(bucket.url);
    expect(status.records).toBe(6);
    expect(status.feeds.find((f) => f.ecosystem === 'npm')).toMatchObject({
      lastModifiedId: '2024-03-01T10:00:00Z,GHSA-35jh-r3h4-6jhm',
      mode: 'full',
    });

    // nothing changed: one listing request per ecosystem, nothing else
    bucket.clearRequests();
    const second = await updateDb(options());
    expect(second.ecosystems.map((e) => e.mode)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(bucket.requests).toEqual(['/npm/modified_id.csv', '/PyPI/modified_id.csv', '/Debian/modified_id.csv', '/Go/modified_id.csv']);

    // one record changes: exactly that one is fetched
    const text = readFileSync(path.join(TESTDATA, 'osv/PyPI/GHSA-j8r2-6x86-q33q.json'), 'utf8')
      .replace('"2024-02-10T08:30:00Z"', '"2025-06-01T00:00:00Z"')
      .replace('{ "fixed": "2.31.0" }', '{ "fixed": "2.31.1" }');
    bucket.put('PyPI', text);
    bucket.clearRequests();
    const third = await updateDb(options());
    expect(bucket.requests).toEqual([
      '/npm/modified_id.csv',
      '/PyPI/modified_id.csv',
      '/PyPI/GHSA-j8r2-6x86-q33q.json',
      '/Debian/modified_id.csv',
      '/Go/modified_id.csv',
    ]);
    expect(third.ecosystems[1]).toMatchObject({ ecosystem: 'PyPI', mode: 'incremental', fetchedRecords: 1 });
    expect(third.ecosystems[1]!.counts).toMatchObject({ replaced: 1, added: 0 });
    const db = VulnDb.open(dir);
    expect(db.findAffected('PyPI', '', 'requests')[0]!.ranges[0]!.events).toEqual([{ introduced: '2.3.0' }, { fixed: '2.31.1' }]);
    db.close();
    expect(presentStatus().feeds.find((f) => f.ecosystem === 'PyPI')?.lastModifiedId).toBe('2025-06-01T00:00:00Z,GHSA-j8r2-6x86-q33q');
    expect(readdirSync(dir)).toEqual(['vulns.sqlite']);
  });

  it('fetches a newly added record (ids with a colon included) and nothing else', async () => {
    await updateDb(options());
    bucket.put(
      'Debian',
      JSON.stringify({
        id: 'DSA-5514-1',
        modified: '2025-01-01T00:00:00Z',
        aliases: ['CVE-2023-4911'],
        affected: [{ package: { ecosystem: 'Debian:12', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u3' }] }] }],
      }),
    );
    bucket.put('Go', JSON.stringify({ id: 'GO-2099:0001', modified: '2025-01-02T00:00:00Z', affected: [] }));
    bucket.clearRequests();
    const result = await updateDb(options());
    expect(bucket.requests.filter((r) => r.endsWith('.json'))).toEqual(['/Debian/DSA-5514-1.json', '/Go/GO-2099:0001.json']);
    expect(result.ecosystems.map((e) => e.counts.added)).toEqual([0, 0, 1, 1]);
    const db = VulnDb.open(dir);
    expect(db.findAffected('Debian', '12', 'glibc').map((a) => a.vulnId)).toEqual(['DEBIAN-CVE-2023-4911', 'DSA-5514-1']);
    expect(db.findByAlias('CVE-2023-4911')).toEqual(['DEBIAN-CVE-2023-4911', 'DSA-5514-1']);
    db.close();
  });

  it('skips and counts a malformed record served by the bucket', async () => {
    bucket.putRaw('npm', 'BAD-RANGE-1', '2024-01-01T00:00:00Z', readFileSync(path.join(TESTDATA, 'malformed/BAD-RANGE-1.json'), 'utf8'));
    const result = await updateDb(options({ ecosystems: ['npm'] }));
    expect(result.ecosystems[0]!.counts).toMatchObject({ added: 2, skipped: 1 });
    expect(result.warningTotal).toBe(1);
    expect(result.warnings[0]).toMatch(/^skipped OSV record BAD-RANGE-1 in http:\/\/127\.0\.0\.1:\d+\/npm\/all\.zip!BAD-RANGE-1\.json: affected\.0\.ranges\.0\.type: unknown range type "DATE"$/);
  });

  it('an HTTP 500 fails the update with exit code 3 and leaves the old database usable', async () => {
    await updateDb(options());
    const before = presentStatus();
    bucket.put('Go', JSON.stringify({ id: 'GO-2099-0002', modified: '2025-01-02T00:00:00Z', affected: [] }));
    bucket.faults.set('/Go/GO-2099-0002.json', (_req, res) => {
      res.writeHead(500);
      res.end('boom');
    });
    bucket.clearRequests();
    const err = await rejection(updateDb(options()));
    expect(err.code).toBe('IO');
    expect(err.exitCode).toBe(3);
    expect(err.message).toBe('download failed with HTTP 500');
    expect(err.where).toBe(`${bucket.url}/Go/GO-2099-0002.json`);
    expect(bucket.requests.filter((r) => r === '/Go/GO-2099-0002.json')).toHaveLength(3); // first try + 2 retries
    const after = presentStatus();
    expect(after.records).toBe(before.records);
    expect(after.ecosystems).toEqual(before.ecosystems);
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(readdirSync(dir)).toEqual(['vulns.sqlite']);
  });

  it('a truncated all.zip fails the update and leaves the old database usable', async () => {
    await updateDb(options({ ecosystems: ['npm'] }));
    bucket.faults.set('/PyPI/all.zip', (_req, res, body) => {
      const half = body!.subarray(0, Math.floor(body!.length / 2));
      res.writeHead(200, { 'content-length': half.length });
      res.end(half);
    });
    const err = await rejection(updateDb(options({ ecosystems: ['npm', 'PyPI'] })));
    expect(err.code).toBe('IO');
    expect(err.message).toMatch(/^the downloaded zip is damaged: /);
    expect(err.where).toBe(`${bucket.url}/PyPI/all.zip`);
    const db = VulnDb.open(dir);
    expect(db.status().ecosystems).toEqual([{ name: 'npm', count: 2 }]);
    expect(db.findAffected('npm', '', 'lodash')).toHaveLength(1);
    db.close();
  });

  it('a connection cut before the declared length is retried, then reported', async () => {
    bucket.faults.set('/npm/all.zip', (_req, res, body) => {
      res.writeHead(200, { 'content-length': body!.length });
      res.write(body!.subarray(0, 10));
      res.destroy();
    });
    const err = await rejection(updateDb(options({ ecosystems: ['npm'] })));
    expect(err.code).toBe('IO');
    expect(err.where).toBe(`${bucket.url}/npm/all.zip`);
    expect(bucket.requests.filter((r) => r === '/npm/all.zip')).toHaveLength(3);
    expect(existsSync(path.join(dir, 'vulns.sqlite'))).toBe(false);
  });

  it('waits out a 429 with Retry-After and carries on', async () => {
    let calls = 0;
    bucket.faults.set('/npm/modified_id.csv', (_req, res, body) => {
      if (calls++ === 0) {
        res.writeHead(429, { 'retry-after': '0' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-length': body!.length });
      res.end(body);
    });
    const result = await updateDb(options({ ecosystems: ['npm'] }));
    expect(result.ecosystems[0]!.mode).toBe('full');
    expect(bucket.requests).toEqual(['/npm/all.zip', '/npm/modified_id.csv', '/npm/modified_id.csv']);
  });

  it('gives up on a server that stops sending data', async () => {
    bucket.faults.set('/npm/all.zip', (_req, res, body) => {
      res.writeHead(200, { 'content-length': body!.length });
      res.write(body!.subarray(0, 10)); // and then nothing
    });
    // The idle timeout, not the vitest timeout, ends it: the error names the 200 ms without data, after one request.
    const err = await rejection(updateDb(options({ ecosystems: ['npm'], http: { ...FAST, retries: 0, timeoutMs: 200 } })));
    expect(err.code).toBe('IO');
    expect(err.message).toMatch(/no data for 200 ms/);
    expect(bucket.requests).toEqual(['/npm/all.zip']);
  });

  it('warns about a listed record the bucket no longer has', async () => {
    await updateDb(options({ ecosystems: ['npm'] }));
    bucket.put('npm', JSON.stringify({ id: 'GHSA-gone-gone-gone', modified: '2026-01-01T00:00:00Z', affected: [] }));
    bucket.faults.set('/npm/GHSA-gone-gone-gone.json', (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const result = await updateDb(options({ ecosystems: ['npm'] }));
    expect(result.warnings).toEqual([
      `record GHSA-gone-gone-gone is listed but missing from the repository (${bucket.url}/npm/GHSA-gone-gone-gone.json)`,
    ]);
  });

  it('starts afresh when the repository changes, and refuses bad input', async () => {
    await updateDb(options({ ecosystems: ['npm'] }));
    const other = BucketServer.fromDirectory(path.join(TESTDATA, 'osv'), ['Go']);
    await other.start();
    try {
      await updateDb({ dir, repository: other.url + '/', ecosystems: ['Go'], http: FAST });
      const s = presentStatus();
      expect(s.source).toBe(other.url);
      expect(s.ecosystems).toEqual([{ name: 'Go', count: 1 }]);
    } finally {
      await other.stop();
    }
    expect((await rejection(updateDb(options({ ecosystems: ['../npm'] })))).code).toBe('USAGE');
    expect((await rejection(updateDb(options({ repository: 'file:///tmp' })))).code).toBe('USAGE');
  });
});

describe('offline', () => {
  it('never touches the network: no database is a clear error, an existing one is kept', async () => {
    let fetched = 0;
    const noNetwork = (() => {
      fetched++;
      throw new Error('network used');
    }) as unknown as typeof fetch;
    const err = await rejection(updateDb(options({ offline: true, fetch: noNetwork })));
    expect(err.code).toBe('CACHE_UNAVAILABLE');
    expect(err.message).toBe('no vulnerability database');
    expect(err.hint).toBe('run bulkhead db update, or bulkhead db import <zip|dir>');
    expect((await rejection(ensureDb(options({ offline: true, fetch: noNetwork })))).code).toBe('CACHE_UNAVAILABLE');

    expect(await ensureDb(options({ ecosystems: ['npm'] }))).toBe(path.join(dir, 'vulns.sqlite'));
    const result = await updateDb(options({ offline: true, fetch: noNetwork }));
    expect(result.updated).toBe(false);
    expect(fetched).toBe(0);
    expect(bucket.requests).toEqual(['/npm/all.zip', '/npm/modified_id.csv']);
  });
});

describe('ensureDb', () => {
  it('rebuilds a database of another schema version, unless offline', async () => {
    mkdirSync(dir, { recursive: true });
    const raw = new Database(path.join(dir, 'vulns.sqlite'));
    raw.pragma('user_version = 99');
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    const offline = await rejection(ensureDb(options({ offline: true })));
    expect(offline.code).toBe('CACHE_UNAVAILABLE');
    expect(offline.message).toMatch(/schema version 99/);
    expect(bucket.requests).toEqual([]);
    await ensureDb(options({ ecosystems: ['Go'] }));
    const s = presentStatus();
    expect(s.schemaVersion).toBe(1);
    expect(s.ecosystems).toEqual([{ name: 'Go', count: 1 }]);
  });
});

describe('helpers', () => {
  it('parses listing lines and Retry-After', () => {
    expect(parseListingLine('2024-03-01T10:00:00Z,GHSA-35jh-r3h4-6jhm')).toEqual({ modified: '2024-03-01T10:00:00Z', id: 'GHSA-35jh-r3h4-6jhm' });
    expect(parseListingLine('2024-03-01T10:00:00Z,../../x')).toBeUndefined();
    expect(parseListingLine('garbage')).toBeUndefined();
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe.skipIf(!existsSync(SHARED))('updateDb with the shared OSV data in bucket layout', () => {
  it('builds the database from every ecosystem of vulndata/, then applies one change incrementally', async () => {
    const shared = BucketServer.fromDirectory(path.join(SHARED, 'vulndata'));
    await shared.start();
    try {
      const ecosystems = [...shared.ecosystems.keys()];
      expect(ecosystems).toContain('Debian');
      const full = await updateDb({ dir, repository: shared.url, ecosystems, http: FAST });
      expect(full.warningTotal).toBe(0);
      const status = presentStatus();
      expect(status.records).toBe(416);
      const counts = Object.fromEntries(status.ecosystems.map((e) => [e.name, e.count]));
      expect(counts).toMatchObject({ Debian: 201, Alpine: 110, AlmaLinux: 11, Go: 31, Maven: 9, npm: 9 });
      // ALSA ids contain a colon: fetched by URL in the incremental path below
      const alsa = readFileSync(path.join(SHARED, 'vulndata/AlmaLinux/ALSA-2022:1642.json'), 'utf8');
      const parsed = JSON.parse(alsa) as { modified: string };
      shared.put('AlmaLinux', alsa.replace(`"${parsed.modified}"`, '"2027-01-01T00:00:00Z"'));
      shared.clearRequests();
      const inc = await updateDb({ dir, repository: shared.url, ecosystems, http: FAST });
      expect(shared.requests.filter((r) => !r.endsWith('/modified_id.csv'))).toEqual(['/AlmaLinux/ALSA-2022:1642.json']);
      expect(inc.ecosystems.find((e) => e.ecosystem === 'AlmaLinux')?.counts).toMatchObject({ replaced: 1 });
      const db = VulnDb.open(dir);
      expect(db.getVuln('ALSA-2022:1642')?.modified).toBe('2027-01-01T00:00:00Z');
      const glibc = db.findAffected('Debian', '12', 'glibc').map((a) => a.vulnId);
      expect(glibc).toContain('DEBIAN-CVE-2023-4911');
      db.close();
    } finally {
      await shared.stop();
    }
  });
});
