import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBdbHash } from './bdb.js';
import { RpmHeader } from './header.js';
import { readNdb } from './ndb.js';
import { packageFromHeader, parseSourceRpm } from './package.js';
import { analyzeRpmdb, rpmdbAnalyzer } from './rpmdb.js';
import { readRpmSqlite } from './sqlite.js';
import { bestOf3, withinBaseline } from '../../../../test/helpers/relative-time.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const load = (f: string) => readFileSync(path.join(testdata, f));
const DATABASES = ['sqlite/rpmdb.sqlite', 'bdb-small-pages/Packages', 'bdb-large-pages/Packages', 'ndb/Packages.db'];

const EXPECTED_PACKAGES = [
  {
    type: 'rpm',
    name: 'bulkhead-hello',
    version: '2:1.2.3-4.el9',
    epoch: 2,
    release: '4.el9',
    arch: 'noarch',
    sourceName: 'bulkhead-hello',
    sourceVersion: '2:1.2.3-4.el9',
    licenses: ['MIT'],
  },
  {
    type: 'rpm',
    name: 'bulkhead-libs',
    version: '0.9-1',
    release: '1',
    arch: 'noarch',
    sourceName: 'bulkhead-tools',
    sourceVersion: '0.9-1',
    licenses: ['Apache-2.0'],
    // A subpackage inherits the spec's Vendor.
    properties: { 'rpm.vendor': 'Bulkhead Test Vendor' },
  },
  {
    type: 'rpm',
    name: 'bulkhead-tools',
    version: '0.9-1',
    release: '1',
    arch: 'noarch',
    sourceName: 'bulkhead-tools',
    sourceVersion: '0.9-1',
    licenses: ['GPL-2.0-or-later AND BSD-3-Clause'],
    properties: { 'rpm.vendor': 'Bulkhead Test Vendor' },
  },
];

const EXPECTED_OWNERSHIP = [
  { type: 'rpm', name: 'bulkhead-hello', arch: 'noarch', files: ['/usr/bin/bulkhead-hello', '/usr/share/doc/bulkhead-hello/README'] },
  { type: 'rpm', name: 'bulkhead-libs', arch: 'noarch', files: ['/usr/lib/bulkhead/libbulkhead.txt'] },
  // The package also owns the directory /usr/share/bulkhead-tools; directories are left out.
  { type: 'rpm', name: 'bulkhead-tools', arch: 'noarch', files: ['/etc/bulkhead-tools.conf', '/usr/share/bulkhead-tools/a.txt', '/usr/share/bulkhead-tools/b.txt'] },
];

const byName = <T extends { name: string }>(list: T[] | undefined) => [...(list ?? [])].sort((a, b) => a.name.localeCompare(b.name));

describe('rpm databases built by rpm', () => {
  it.each(DATABASES)('%s: three packages, the gpg-pubkey skipped', (file) => {
    const r = analyzeRpmdb(load(file));
    expect(r.warnings).toBeUndefined();
    expect(byName(r.packages)).toEqual(EXPECTED_PACKAGES);
    expect(byName(r.ownership)).toEqual(EXPECTED_OWNERSHIP);
  });

  it('expected.txt (what rpm -qa printed) agrees', () => {
    const lines = load('expected.txt').toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('bulkhead-hello 2 1.2.3 4.el9 noarch bulkhead-hello-1.2.3-4.el9.src.rpm MIT');
    expect(lines[3]).toMatch(/^gpg-pubkey \(none\) [0-9a-f]{8} [0-9a-f]{8} /);
  });

  it('the format readers see four entries, key 0 aside', () => {
    expect(readRpmSqlite(load('sqlite/rpmdb.sqlite'), 100).values.map((v) => v.key)).toEqual([1, 2, 3, 4]);
    expect(readNdb(load('ndb/Packages.db'), 100).values.map((v) => v.key)).toEqual([1, 2, 3, 4]);
    for (const f of ['bdb-small-pages/Packages', 'bdb-large-pages/Packages']) {
      const keys = readBdbHash(load(f), 100).values.map((v) => v.key);
      expect(keys.sort()).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('a Berkeley DB value can sit on overflow pages or inline: both read the same bytes', () => {
    const small = readBdbHash(load('bdb-small-pages/Packages'), 100).values;
    const large = readBdbHash(load('bdb-large-pages/Packages'), 100).values;
    const sqlite = readRpmSqlite(load('sqlite/rpmdb.sqlite'), 100).values;
    for (const { key, value } of sqlite) {
      expect(small.find((v) => v.key === key)?.value.equals(value)).toBe(true);
      expect(large.find((v) => v.key === key)?.value.equals(value)).toBe(true);
    }
  });

  it('wants the database files by path, in every location rpm uses', () => {
    const wants = (p: string) => rpmdbAnalyzer.wants(p, { path: p, size: 1, mode: 0o644, uid: 0, gid: 0 });
    expect(wants('/var/lib/rpm/Packages')).toBe(true);
    expect(wants('/var/lib/rpm/rpmdb.sqlite')).toBe(true);
    expect(wants('/usr/lib/sysimage/rpm/Packages.db')).toBe(true);
    expect(wants('/usr/lib/sysimage/rpm/rpmdb.sqlite')).toBe(true);
    expect(wants('/usr/share/rpm/Packages')).toBe(true);
    expect(wants('/var/lib/rpm/Name')).toBe(false);
    expect(wants('/var/lib/rpm/rpmdb.sqlite-wal')).toBe(false);
    expect(wants('/home/x/var/lib/rpm/Packages')).toBe(false);
  });
});

describe('rpm headers', () => {
  it.each([
    ['bash-5.2.26-3.fc40.src.rpm', { name: 'bash', version: '5.2.26', release: '3.fc40' }],
    ['python3.11-3.11.9-1.el9_4.src.rpm', { name: 'python3.11', version: '3.11.9', release: '1.el9_4' }],
    ['glibc-2.34-100.el9_4.2.nosrc.rpm', { name: 'glibc', version: '2.34', release: '100.el9_4.2' }],
    ['(none)', undefined],
    ['noversion.src.rpm', undefined],
  ])('source rpm %s', (value, expected) => {
    expect(parseSourceRpm(value)).toEqual(expected);
  });

  it('rejects blobs whose counts do not fit', () => {
    const blob = (il: number, dl: number, size: number) => {
      const b = Buffer.alloc(size);
      b.writeUInt32BE(il, 0);
      b.writeUInt32BE(dl, 4);
      return b;
    };
    expect(() => RpmHeader.parse(Buffer.alloc(4))).toThrow('shorter than 8 bytes');
    expect(() => RpmHeader.parse(blob(0, 0, 8))).toThrow('0 index entries');
    expect(() => RpmHeader.parse(blob(0x10000, 0, 8))).toThrow('65536 index entries');
    expect(() => RpmHeader.parse(blob(1, 0x10000000, 24))).toThrow('268435456 data bytes');
    expect(() => RpmHeader.parse(blob(2, 10, 40))).toThrow('longer than its blob');
    expect(packageFromHeader(blob(1, 0, 24))).toEqual({ skipped: 'header without NAME or VERSION' });
  });

  it('ignores entries whose offsets or counts point outside the data', () => {
    // Two entries: NAME -> string at offset 0, VERSION -> string at an offset past the data.
    const b = Buffer.alloc(8 + 32 + 4);
    b.writeUInt32BE(2, 0);
    b.writeUInt32BE(4, 4);
    b.writeUInt32BE(1000, 8);
    b.writeUInt32BE(6, 12);
    b.writeUInt32BE(0, 16);
    b.writeUInt32BE(1, 20);
    b.writeUInt32BE(1001, 24);
    b.writeUInt32BE(6, 28);
    b.writeUInt32BE(99, 32);
    b.writeUInt32BE(1, 36);
    b.write('abc\0', 40);
    const h = RpmHeader.parse(b);
    expect(h.string(1000)).toBe('abc');
    expect(h.string(1001)).toBeUndefined();
    expect(h.ints(1000)).toBeUndefined();
  });
});

describe('damaged and hostile rpm databases', () => {
  it('a truncated Berkeley DB keeps what is whole and says so', () => {
    const full = load('bdb-small-pages/Packages');
    // 512-byte pages: 0 meta, 1-2 hash buckets, 3-22 four overflow chains (one per header).
    const r = analyzeRpmdb(full.subarray(0, 13 * 512));
    expect(r.warnings).toEqual(['the file is truncated: 13 of 23 pages present', '2 damaged entries skipped']);
    expect(r.packages).toHaveLength(2);
  });

  it('a damaged ndb slot is skipped with a warning', () => {
    const db = Buffer.from(load('ndb/Packages.db'));
    db.writeUInt32LE(0xdeadbeef, 2 * 16 + 8); // first slot's block offset
    const r = analyzeRpmdb(db);
    expect(r.warnings).toEqual(['1 damaged slots or blobs skipped']);
    expect(r.packages).toHaveLength(2);
  });

  it('Berkeley DB entries sharing one overflow chain: only the first gets it', () => {
    const db = Buffer.from(load('bdb-small-pages/Packages'));
    // Point every off-page value of bucket page 1 at the chain of the first one.
    const page = 512;
    const entries = db.readUInt16LE(page + 20);
    let first: Buffer | undefined;
    let redirected = 0;
    for (let i = 1; i < entries; i += 2) {
      const at = page + db.readUInt16LE(page + 26 + i * 2);
      if (db[at] !== 3) continue;
      // An off-page item: type, 3 unused bytes, first page, total length.
      if (first === undefined) first = Buffer.from(db.subarray(at, at + 12));
      else {
        first.copy(db, at);
        redirected++;
      }
    }
    expect(redirected).toBeGreaterThan(0);
    const r = readBdbHash(db, 100);
    expect(r.warnings).toEqual([`${redirected} damaged entries skipped`]);
  });

  it('overlapping ndb blobs are skipped, and the entry limit holds', () => {
    const db = Buffer.from(load('ndb/Packages.db'));
    db.copy(db, 3 * 16, 2 * 16, 3 * 16); // slot 3 becomes a copy of slot 2: the same blob twice
    const r = readNdb(db, 100);
    expect(r.warnings).toEqual(['1 damaged slots or blobs skipped']);
    expect(r.values.map((v) => v.key)).toEqual([1, 3, 4]);
    const limited = readNdb(load('ndb/Packages.db'), 2);
    expect(limited.values).toHaveLength(2);
    expect(limited.warnings).toEqual(['only the first 2 entries were read']);
  });

  // Read, the view would never finish: the vitest timeout is the guard, the warning says why it was not read.
  it('an sqlite Packages view that would never finish is not read', () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS hnum, zeroblob(100) AS blob FROM c',
    );
    const view = db.serialize();
    db.close();
    expect(analyzeRpmdb(view)).toEqual({ packages: [], ownership: [], warnings: ['Packages is a view, not read'] });
  });

  it('an sqlite Packages table with a generated column is not read', () => {
    const db = new Database(':memory:');
    db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, n INTEGER, blob BLOB GENERATED ALWAYS AS (zeroblob(n)) VIRTUAL)");
    db.exec('INSERT INTO Packages (hnum, n) VALUES (1, 10)');
    const file = db.serialize();
    db.close();
    expect(analyzeRpmdb(file).warnings).toEqual(['Packages has generated or hidden columns, not read']);
  });

  it('an sqlite database without the table, or with text instead of blobs', () => {
    const db = new Database(':memory:');
    db.exec("CREATE TABLE Other (x); CREATE TABLE Packages2 (hnum INTEGER, blob BLOB)");
    expect(analyzeRpmdb(db.serialize()).warnings).toEqual(['no Packages table']);
    db.exec("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB); INSERT INTO Packages VALUES (1, 'text'), (2, x'00000001')");
    expect(analyzeRpmdb(db.serialize()).warnings).toEqual([
      '1 rows without a header blob skipped',
      '1 unreadable headers skipped (#2: header blob shorter than 8 bytes)',
    ]);
    db.close();
  });

  it('unknown content is reported, not thrown', () => {
    expect(analyzeRpmdb(Buffer.from('hello'))).toEqual({ warnings: ['not an rpm database in a known format (sqlite, Berkeley DB hash, ndb)'] });
  });

  it('random bytes behind each format magic never throw and cost about what a real database costs', () => {
    const benignMs = bestOf3(() => DATABASES.map(load).forEach((db) => analyzeRpmdb(db)));
    const bdbMeta = load('bdb-small-pages/Packages').subarray(0, 512);
    const prefixes = [Buffer.from('SQLite format 3\0'), Buffer.from('RpmP\0\0\0\0'), bdbMeta, Buffer.alloc(0)];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 16384 }), (prefix, tail) => {
        withinBaseline(benignMs, () => {
          const r = analyzeRpmdb(Buffer.concat([prefix, tail]));
          for (const p of r.packages ?? []) expect(p.type).toBe('rpm');
        });
      }),
      { numRuns: 200 },
    );
  });

  it('mutated real databases never throw and cost about what the undamaged ones cost', () => {
    const dbs = DATABASES.map(load);
    const benignMs = bestOf3(() => dbs.forEach((db) => analyzeRpmdb(db)));
    fc.assert(
      fc.property(
        fc.nat(dbs.length - 1),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 30 }),
        (which, edits) => {
          const db = Buffer.from(dbs[which]!);
          for (const [at, v] of edits) db[Math.min(db.length - 1, Math.floor(at * db.length))] = v;
          withinBaseline(benignMs, () => {
            const r = analyzeRpmdb(db);
            for (const o of r.ownership ?? []) for (const f of o.files) expect(f.startsWith('/')).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
