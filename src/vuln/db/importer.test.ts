import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { BulkheadError } from '../../core/errors.js';
import { buildDatabase, dbFilePath } from './dbfile.js';
import { OsvImporter, importDb } from './importer.js';
import { createTables, normalizePackageName } from './schema.js';
import { VulnDb, dbStatus } from './store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const SHARED = path.resolve(repoRoot, '../shared');
const TESTDATA = path.join(here, 'testdata');

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'bulkhead-db-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('importDb from a folder', () => {
  it('imports every record and answers lookups by ecosystem, release and normalised name', async () => {
    const dir = path.join(work, 'db');
    const result = await importDb({ dir, source: path.join(TESTDATA, 'osv') });
    expect(result.counts).toEqual({ read: 8, added: 8, replaced: 0, unchanged: 0, skipped: 0 });
    expect(result.file).toBe(dbFilePath(dir));

    const db = VulnDb.open(dir);
    try {
      const glibc = db.findAffected('Debian', '12', 'glibc');
      expect(glibc).toHaveLength(1);
      expect(glibc[0]!.vulnId).toBe('DEBIAN-CVE-2023-4911');
      expect(glibc[0]!.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u3' }] }]);
      expect(glibc[0]!.ecosystemSpecific).toEqual({ urgency: 'not yet assigned' });
      expect(glibc[0]!.vuln.upstream).toEqual(['CVE-2023-4911']);
      // the release must match exactly
      expect(db.findAffected('Debian', '13', 'glibc')[0]!.ranges[0]!.events[1]).toEqual({ fixed: '2.37-12' });
      expect(db.findAffected('Debian', '', 'glibc')).toEqual([]);

      const zope = db.findAffected('PyPI', '', normalizePackageName('PyPI', 'zope_interface'));
      expect(zope.map((a) => [a.vulnId, a.name])).toEqual([['PYSEC-2099-1', 'Zope.Interface']]);

      const requests = db.findAffected('PyPI', '', 'requests');
      expect(requests[0]!.versions).toEqual(['2.3.0', '2.30.0']);
      expect(requests[0]!.purl).toBe('pkg:pypi/requests');
      expect(requests[0]!.vuln.aliases).toEqual(['CVE-2023-32681', 'PYSEC-2023-74']);

      // the withdrawn lodash record is stored but left out unless asked for
      expect(db.findAffected('npm', '', 'lodash').map((a) => a.vulnId)).toEqual(['GHSA-35jh-r3h4-6jhm']);
      expect(db.findAffected('npm', '', 'lodash', { includeWithdrawn: true }).map((a) => a.vulnId)).toEqual([
        'GHSA-0000-withdrawn',
        'GHSA-35jh-r3h4-6jhm',
      ]);
      expect(db.findAffected('Maven', '', 'org.apache.logging.log4j:log4j-core')[0]!.ranges).toHaveLength(3);
      expect(db.findAffected('Go', '', 'golang.org/x/text')[0]!.ecosystemSpecific).toEqual({
        imports: [{ path: 'golang.org/x/text/language', symbols: ['Parse'] }],
      });

      expect(db.findByAlias('CVE-2021-44228')).toEqual(['GHSA-jfh8-c2jp-5v3q']);
      expect(db.findByAlias('CVE-2023-4911')).toEqual(['DEBIAN-CVE-2023-4911']);
      expect(db.aliasesOf('GO-2021-0113')).toEqual(['CVE-2021-38561', 'GHSA-ppp9-7jff-5vj2']);

      const status = db.status();
      expect(status.records).toBe(8);
      expect(status.withdrawn).toBe(1);
      expect(status.source).toBe(path.join(TESTDATA, 'osv'));
      expect(status.ecosystems).toEqual([
        { name: 'PyPI', count: 2 },
        { name: 'npm', count: 2 },
        { name: 'Alpine', count: 1 },
        { name: 'Debian', count: 1 },
        { name: 'Go', count: 1 },
        { name: 'Maven', count: 1 },
      ]);
      expect(status.stale).toBe(false);
    } finally {
      db.close();
    }
    // unknown top-level fields are kept
    const raw = new Database(dbFilePath(dir), { readonly: true });
    expect(raw.prepare("SELECT extra_json FROM vulns WHERE id = 'GHSA-jfh8-c2jp-5v3q'").pluck().get()).toBe(
      '{"osv_extension_field":{"note":"unknown top-level fields are kept"}}',
    );
    raw.close();
  });

  it('skips malformed records with a counted warning naming each one', async () => {
    const source = path.join(work, 'mixed');
    cpSync(path.join(TESTDATA, 'osv/npm'), source, { recursive: true });
    cpSync(path.join(TESTDATA, 'malformed'), path.join(source, 'bad'), { recursive: true });
    const result = await importDb({ dir: path.join(work, 'db'), source });
    expect(result.counts).toMatchObject({ read: 6, added: 2, skipped: 4 });
    expect(result.warningTotal).toBe(4);
    const byId = result.warnings.join('\n');
    expect(byId).toContain('skipped OSV record BAD-RANGE-1 in ');
    expect(byId).toContain('affected.0.ranges.0.type: unknown range type "DATE"');
    expect(byId).toContain('skipped OSV record BAD-EVENT-1 in ');
    expect(byId).toContain('skipped OSV record NO-MODIFIED-1 in ');
    expect(byId).toMatch(/skipped OSV record in .*BAD-JSON-1\.json: not JSON/);
  });

  it('imports an all.zip and keeps the newest copy of a record', async () => {
    const dir = path.join(work, 'db');
    const text = readFileSync(path.join(TESTDATA, 'osv/npm/GHSA-35jh-r3h4-6jhm.json'), 'utf8');
    const newer = text.replace('"2024-03-01T10:00:00Z"', '"2025-01-01T00:00:00Z"').replace('"4.17.21" }] }],\n      "database_specific"', '"4.17.22" }] }],\n      "database_specific"');
    const zipFile = path.join(work, 'all.zip');
    writeFileSync(zipFile, zipSync({ 'GHSA-35jh-r3h4-6jhm.json': Buffer.from(text) }));
    const first = await importDb({ dir, source: zipFile });
    expect(first.counts.added).toBe(1);

    writeFileSync(zipFile, zipSync({ 'GHSA-35jh-r3h4-6jhm.json': Buffer.from(newer) }));
    const merged = await importDb({ dir, source: zipFile, mode: 'merge' });
    expect(merged.counts).toMatchObject({ replaced: 1, added: 0 });
    const again = await importDb({ dir, source: zipFile, mode: 'merge' });
    expect(again.counts).toMatchObject({ unchanged: 1, replaced: 0 });

    const db = VulnDb.open(dir);
    const lodash = db.findAffected('npm', '', 'lodash');
    expect(lodash.map((a) => a.ranges[0]!.events[1])).toEqual([{ fixed: '4.17.22' }]);
    expect(db.getVuln('GHSA-35jh-r3h4-6jhm')!.modified).toBe('2025-01-01T00:00:00Z');
    // the replaced record left no stale rows behind
    expect(db.findAffected('npm', '', 'lodash-es')).toHaveLength(1);
    db.close();
  });

  it('reports a damaged zip as ARCHIVE_CORRUPT and keeps the old database', async () => {
    const dir = path.join(work, 'db');
    await importDb({ dir, source: path.join(TESTDATA, 'osv') });
    const zipFile = path.join(work, 'broken.zip');
    const good = Buffer.from(zipSync({ 'a.json': Buffer.from('{}') }));
    writeFileSync(zipFile, good.subarray(0, good.length - 5));
    const err = await importDb({ dir, source: zipFile }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkheadError);
    expect((err as BulkheadError).code).toBe('ARCHIVE_CORRUPT');
    expect((err as BulkheadError).where).toBe(zipFile);
    const status = dbStatus(dir);
    expect(status.present && status.records).toBe(8);
  });

  it('a build that dies half-way leaves the old database intact and no temporary file', async () => {
    const dir = path.join(work, 'db');
    await importDb({ dir, source: path.join(TESTDATA, 'osv') });
    const before = readFileSync(dbFilePath(dir));
    const err = await buildDatabase(dir, {}, (db) => {
      const importer = new OsvImporter(db);
      importer.addDirectory(path.join(TESTDATA, 'osv/npm'));
      expect(importer.counts.added).toBe(2);
      throw new Error('killed mid-import');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('killed mid-import');
    expect(readFileSync(dbFilePath(dir)).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['vulns.sqlite']);
    const status = dbStatus(dir);
    expect(status.present && status.records).toBe(8);
  });
});

describe('OsvImporter', () => {
  it('keeps the newest of two copies in one fresh import and recounts exactly', async () => {
    const source = path.join(work, 'dupes');
    mkdirSync(path.join(source, 'a'), { recursive: true });
    mkdirSync(path.join(source, 'b'), { recursive: true });
    const text = readFileSync(path.join(TESTDATA, 'osv/npm/GHSA-35jh-r3h4-6jhm.json'), 'utf8');
    // the newer copy (read first: folders are walked in name order) drops lodash-es
    const newer = JSON.parse(text) as { modified: string; affected: unknown[] };
    newer.modified = '2025-01-01T00:00:00Z';
    newer.affected = newer.affected.slice(0, 1);
    writeFileSync(path.join(source, 'a', 'x.json'), JSON.stringify(newer));
    writeFileSync(path.join(source, 'b', 'x.json'), text);
    // and an older copy replaced by a newer one read later
    const older = text.replace('GHSA-35jh-r3h4-6jhm', 'GHSA-aaaa-bbbb-cccc').replace('"npm", "name": "lodash-es"', '"PyPI", "name": "lodash-es"');
    writeFileSync(path.join(source, 'a', 'y.json'), older);
    writeFileSync(path.join(source, 'b', 'y.json'), older.replace('2024-03-01T10:00:00Z', '2025-02-02T00:00:00Z').replace('"PyPI", "name": "lodash-es"', '"npm", "name": "lodash-es"'));
    const result = await importDb({ dir: path.join(work, 'db'), source });
    expect(result.counts).toEqual({ read: 4, added: 2, replaced: 1, unchanged: 1, skipped: 0 });
    const db = VulnDb.open(path.join(work, 'db'));
    expect(db.findAffected('npm', '', 'lodash-es').map((a) => a.vulnId)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(db.findAffected('PyPI', '', 'lodash-es')).toEqual([]);
    expect(db.status().ecosystems).toEqual([{ name: 'npm', count: 2 }]);
    db.close();
  });

  it('fuzz: arbitrary bytes and JSON never throw out of addJson', () => {
    const raw = new Database(':memory:');
    createTables(raw);
    const importer = new OsvImporter(raw);
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null')), (input) => {
        const outcome = importer.addJson(input, 'fuzz');
        expect(['added', 'replaced', 'unchanged', 'skipped']).toContain(outcome);
      }),
      { numRuns: 1000 },
    );
    expect(importer.counts.read).toBe(1000);
    raw.close();
  });
});

describe('VulnDb.open', () => {
  it('says clearly when there is no database', () => {
    const err = (() => {
      try {
        VulnDb.open(path.join(work, 'none'));
      } catch (e) {
        return e as BulkheadError;
      }
    })();
    expect(err?.code).toBe('CACHE_UNAVAILABLE');
    expect(err?.message).toBe('no vulnerability database');
    expect(err?.hint).toBe('run bulkhead db update, or bulkhead db import <zip|dir>');
    expect(dbStatus(path.join(work, 'none'))).toEqual({ present: false, file: path.join(work, 'none', 'vulns.sqlite') });
  });

  it('refuses a database of another schema version', () => {
    mkdirSync(path.join(work, 'old'));
    const raw = new Database(path.join(work, 'old', 'vulns.sqlite'));
    raw.pragma('user_version = 99');
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    expect(() => VulnDb.open(path.join(work, 'old'))).toThrow(/schema version 99, this version of bulkhead reads version 1/);
  });

  it('refuses a file that is not a database', () => {
    mkdirSync(path.join(work, 'junk'));
    writeFileSync(path.join(work, 'junk', 'vulns.sqlite'), 'not sqlite at all, just some text that is long enough'.repeat(20));
    expect(() => VulnDb.open(path.join(work, 'junk'))).toThrow(/cannot read the vulnerability database/);
  });
});

describe.skipIf(!existsSync(SHARED))('importDb with the shared OSV data', () => {
  it('imports vulndata/ and finds the bookworm records DERIVED.md lists', async () => {
    const dir = path.join(work, 'db');
    const result = await importDb({ dir, source: path.join(SHARED, 'vulndata') });
    expect(result.counts).toEqual({ read: 416, added: 416, replaced: 0, unchanged: 0, skipped: 0 });
    const db = VulnDb.open(dir);
    try {
      const status = db.status();
      expect(status.records).toBe(416);
      expect(status.withdrawn).toBe(4);
      const counts = Object.fromEntries(status.ecosystems.map((e) => [e.name, e.count]));
      expect(counts).toMatchObject({ Debian: 201, Alpine: 110, AlmaLinux: 11, Go: 31, npm: 9, PyPI: 5, GIT: 2, 'crates.io': 18 });

      // DERIVED.md table B #30: glibc CVE-2023-4911 fixed in 2.36-9+deb12u3
      const glibc = db.findAffected('Debian', '12', 'glibc');
      const looney = glibc.find((a) => a.vulnId === 'DEBIAN-CVE-2023-4911');
      expect(looney?.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.36-9+deb12u3' }] }]);
      // table A #59: tar CVE-2005-2541, open and unimportant
      const tar = db.findAffected('Debian', '12', 'tar').find((a) => a.vulnId === 'DEBIAN-CVE-2005-2541');
      expect(tar?.ranges).toEqual([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }]);
      expect(tar?.ecosystemSpecific).toEqual({ urgency: 'unimportant' });
      // the old DSA is for Debian:7 only
      expect(db.findAffected('Debian', '7', 'nginx').map((a) => a.vulnId)).toEqual(['DSA-3029-1']);
      expect(db.findAffected('Debian', '12', 'nginx')).toEqual([]);
      // packageless GIT-only records are filed under GIT with their repository
      expect(db.findAffected('GIT', '', 'https://github.com/python/cpython').map((a) => a.vulnId)).toEqual(['PSF-2007-1', 'PSF-2024-9']);
      expect(db.findByAlias('CVE-2007-4965')).toEqual(['PSF-2007-1']);
    } finally {
      db.close();
    }
  });
});
