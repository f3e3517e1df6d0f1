/**
 * Vulnerability matching against the shared fixtures: the real OSV records in
 * ../shared/vulndata, imported into a temporary database, and the three
 * fixture images. The expected Debian findings are read from the tables of
 * ../shared/vulndata/DERIVED.md (A: must be found, B: must not), so this test
 * checks the matcher against the document, not against a copy of it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../src/core/types.js';
import { scanImage } from '../src/pipeline/scan.js';
import { importDb, VulnDb } from '../src/vuln/db/index.js';
import { createMatcher, type Matcher, type MatchOutput } from '../src/vuln/match/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(repoRoot, '../shared');
const IMAGES = path.join(SHARED, 'fixtures/images/oci');

interface TableRow {
  cve: string;
  source: string;
  installed: string;
  fixed: string;
  urgency?: string;
}

/** Rows of the markdown table that follows `heading` in DERIVED.md. */
function tableAfter(markdown: string, heading: string): TableRow[] {
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`DERIVED.md has no heading ${heading}`);
  const lines = markdown.slice(start).split('\n').slice(1);
  const rows: TableRow[] = [];
  let inTable = false;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (!/^\d+$/.test(cells[0] ?? '')) continue; // header and separator
    rows.push({ cve: cells[1]!, source: cells[2]!, installed: cells[3]!, fixed: cells[4]!, urgency: cells[5] });
  }
  return rows;
}

const pair = (cve: string, source: string) => `${cve} ${source}`;

describe.skipIf(!existsSync(path.join(SHARED, 'vulndata/DERIVED.md')))('matching the shared fixture images against ../shared/vulndata', () => {
  let dir: string;
  let db: VulnDb;
  let matcher: Matcher;
  const scans = new Map<string, ScanResult>();
  const scan = async (tag: string): Promise<ScanResult> => {
    let r = scans.get(tag);
    if (!r) scans.set(tag, (r = await scanImage(`oci:${IMAGES}:${tag}`, { cache: null, scanners: ['vuln'] })));
    return r;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-match-'));
    await importDb({ dir, source: path.join(SHARED, 'vulndata') });
    db = VulnDb.open(dir);
    matcher = createMatcher(db);
  }, 60_000);

  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('debian-bookworm: exactly the pairs DERIVED.md lists', () => {
    const markdown = existsSync(path.join(SHARED, 'vulndata/DERIVED.md')) ? readFileSync(path.join(SHARED, 'vulndata/DERIVED.md'), 'utf8') : '';
    const tableA = markdown ? tableAfter(markdown, '### A. Expected findings') : [];
    const tableB = markdown ? tableAfter(markdown, '### B. No finding') : [];
    let out: MatchOutput;

    beforeAll(async () => {
      out = matcher.match(await scan('debian-bookworm'));
    }, 60_000);

    it('reads 64 expected and 127 excluded pairs from the document', () => {
      expect(tableA).toHaveLength(64);
      expect(tableB).toHaveLength(127);
    });

    it('finds every pair of table A and no other', () => {
      const found = new Set(out.findings.map((f) => pair(f.id, f.package!.sourceName ?? f.package!.name)));
      expect([...found].sort()).toEqual(tableA.map((r) => pair(r.cve, r.source)).sort());
    });

    it('finds none of table B, and says why each one does not apply', () => {
      const found = new Set(out.findings.map((f) => pair(f.id, f.package!.sourceName ?? f.package!.name)));
      const notAffected = new Set(
        out.skipped.filter((s) => s.code === 'not-affected').map((s) => pair(s.vulnId!, s.package!.sourceName ?? s.package!.name)),
      );
      for (const row of tableB) {
        expect(found.has(pair(row.cve, row.source)), pair(row.cve, row.source)).toBe(false);
        expect(notAffected.has(pair(row.cve, row.source)), pair(row.cve, row.source)).toBe(true);
      }
    });

    it('compares source versions, and gives every finding the status and severity its urgency implies', () => {
      const byPair = new Map(tableA.map((r) => [pair(r.cve, r.source), r]));
      for (const f of out.findings) {
        const row = byPair.get(pair(f.id, f.package!.sourceName!))!;
        const detail = out.details.get(f)!;
        expect(detail.matchedVersion).toBe(row.installed);
        expect(f.fixedVersion).toBeUndefined();
        expect(detail.urgency).toBe(row.urgency);
        if (row.urgency === 'unimportant') {
          expect([f.status, f.severity]).toEqual(['will-not-fix', 'low']);
        } else if (row.urgency === 'low') {
          expect([f.status, f.severity]).toEqual(['unfixed', 'low']);
        } else {
          expect([f.status, f.severity, detail.severitySource]).toEqual(['unfixed', 'unknown', 'none']);
        }
        expect(f.references).toContain(`DEBIAN-${f.id}`);
      }
    });

    it('reports each binary package of an affected source (bsdutils is util-linux 2.38.1-5+deb12u3, without its epoch)', () => {
      const utilLinux = out.findings.filter((f) => f.id === 'CVE-2024-28085');
      expect(utilLinux.map((f) => f.package!.name).sort()).toEqual(
        ['bsdutils', 'libblkid1', 'libmount1', 'libsmartcols1', 'libuuid1', 'mount', 'util-linux', 'util-linux-extra'].sort(),
      );
      const bsdutils = utilLinux.find((f) => f.package!.name === 'bsdutils')!;
      expect(bsdutils.installedVersion).toBe('1:2.38.1-5+deb12u3');
      expect(out.details.get(bsdutils)!.matchedVersion).toBe('2.38.1-5+deb12u3');
      expect(bsdutils.location.path).toBe('/var/lib/dpkg/status');
      expect(bsdutils.location.layer?.index).toBe(0);
    });
  });

  describe('app-node: the npm and Go records', () => {
    let out: MatchOutput;
    beforeAll(async () => {
      out = matcher.match(await scan('app-node'));
    }, 60_000);

    const lang = (findings: Finding[]) =>
      findings
        .filter((f) => f.package!.type !== 'deb')
        .map((f) => `${f.package!.type} ${f.package!.name}@${f.package!.version} ${f.id} fixed ${f.fixedVersion} ${f.status} ${f.severity}`)
        .sort();

    it('finds exactly the vulnerabilities the records imply, with their fixed versions', () => {
      expect(lang(out.findings)).toEqual(
        [
          'npm axios@0.21.0 CVE-2023-45857 fixed 1.6.0 fixed medium',
          'npm express@4.17.1 CVE-2024-29041 fixed 4.19.2 fixed medium',
          'npm jsonwebtoken@8.5.1 CVE-2022-23529 fixed 9.0.0 fixed high',
          'npm lodash@4.17.15 CVE-2020-8203 fixed 4.17.20 fixed high',
          'npm lodash@4.17.15 CVE-2021-23337 fixed 4.17.21 fixed high',
          'npm minimist@1.2.0 CVE-2021-44906 fixed 1.2.6 fixed critical',
          'npm semver@5.7.1 CVE-2022-25883 fixed 5.7.2 fixed medium',
          'npm ws@7.4.5 CVE-2024-37890 fixed 7.5.10 fixed high',
          'golang stdlib@1.19.8 CVE-2023-39325 fixed 1.20.10 fixed unknown',
          'golang stdlib@1.19.8 CVE-2023-45288 fixed 1.21.9 fixed unknown',
          'golang stdlib@1.19.8 CVE-2025-22870 fixed 1.23.7 fixed unknown',
        ].sort(),
      );
    });

    it('keeps the advisory ids and rates from the CVSS vector, else the database severity', () => {
      const minimist = out.findings.find((f) => f.package!.name === 'minimist')!;
      expect(minimist.references).toContain('GHSA-xvch-5gv4-984h');
      expect(out.details.get(minimist)).toMatchObject({ severitySource: 'cvss', cvssScore: 9.8, recordIds: ['GHSA-xvch-5gv4-984h'] });
      const axios = out.findings.find((f) => f.package!.name === 'axios')!;
      expect(out.details.get(axios)).toMatchObject({ severitySource: 'database' });
      const stdlib = out.findings.find((f) => f.id === 'CVE-2023-45288')!;
      expect(stdlib.references).toEqual(expect.arrayContaining(['GO-2024-2687', 'GHSA-4v7x-pqxf-cx7m']));
      expect(stdlib.location.path).toBe('/usr/local/bin/umoci');
    });

    it('does not report a version that a range ends before (ws 7.4.5 is in 7.0.0..7.5.10 only; stdlib 1.19.8 is past 1.19.6)', () => {
      expect(out.findings.filter((f) => f.package!.name === 'ws')).toHaveLength(1);
      expect(out.findings.some((f) => f.id === 'CVE-2022-41723')).toBe(false);
      expect(out.skipped.some((s) => s.code === 'not-affected' && s.vulnId === 'CVE-2022-41723')).toBe(true);
    });
  });

  describe('app-python: Debian-owned Python packages', () => {
    it('are not matched against PyPI by default, and each skip is reported', async () => {
      const result = await scan('app-python');
      const out = matcher.match(result);
      expect(out.findings.filter((f) => f.package!.type === 'pypi')).toEqual([]);
      const owned = out.skipped.filter((s) => s.code === 'owned-by-os-package');
      expect(owned.map((s) => s.package!.name).sort()).toEqual(
        ['certifi', 'chardet', 'charset-normalizer', 'idna', 'Jinja2', 'MarkupSafe', 'PyYAML', 'requests', 'six', 'urllib3'].sort(),
      );
      expect(out.findings.filter((f) => f.package!.type === 'deb').length).toBeGreaterThan(0);
    }, 60_000);

    it('are matched when asked, with the findings the PyPI records imply', async () => {
      const out = createMatcher(db, { matchOwnedLanguagePackages: true }).match(await scan('app-python'));
      expect(
        out.findings
          .filter((f) => f.package!.type === 'pypi')
          .map((f) => `${f.package!.name}@${f.package!.version} ${f.id} fixed ${f.fixedVersion}`)
          .sort(),
      ).toEqual(['Jinja2@3.1.2 CVE-2024-22195 fixed 3.1.3', 'requests@2.28.1 CVE-2023-32681 fixed 2.31.0', 'urllib3@1.26.12 CVE-2023-43804 fixed 1.26.17']);
      // PyYAML 6.0 is past the fix (5.4) of its record.
      expect(out.skipped.some((s) => s.code === 'not-affected' && s.package!.name === 'PyYAML' && s.vulnId === 'CVE-2020-14343')).toBe(true);
    }, 60_000);
  });
});
