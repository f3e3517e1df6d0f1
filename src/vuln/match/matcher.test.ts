import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OSInfo, Package, ScanResult } from '../../core/types.js';
import { scanImage } from '../../pipeline/scan.js';
import { importDb, VulnDb, type AffectedEntry, type OsvRange, type VulnRecord } from '../db/index.js';
import { createMatcher, type AffectedSource, type MatchOutput } from './matcher.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

const debian12: OSInfo = { family: 'debian', version: '12.15', source: '/etc/os-release' };
const pkg = (p: Partial<Package> & Pick<Package, 'type' | 'name' | 'version'>): Package => ({
  id: `${p.type}:${p.name}@${p.version}`,
  purl: `pkg:${p.type}/${p.name}@${p.version}`,
  foundBy: 'test',
  locations: ['/app/package-lock.json'],
  ...p,
});

interface FakeEntry {
  ecosystem: string;
  release?: string;
  name: string;
  ranges?: OsvRange[];
  versions?: string[];
  ecosystemSpecific?: Record<string, unknown>;
  vuln: Partial<VulnRecord> & { id: string };
}

/** An in-memory database answering `findAffected` as VulnDb does (including withdrawn, so the matcher's own check is tested). */
class FakeDb implements AffectedSource {
  calls: string[] = [];
  constructor(private readonly entries: FakeEntry[]) {}
  findAffected(ecosystem: string, release: string, normalizedName: string): AffectedEntry[] {
    this.calls.push(`${ecosystem}|${release}|${normalizedName}`);
    return this.entries
      .filter((e) => e.ecosystem === ecosystem && (e.release ?? '') === release && e.name === normalizedName)
      .map((e) => ({
        vulnId: e.vuln.id,
        ecosystem: e.ecosystem,
        release: e.release ?? '',
        name: e.name,
        normalizedName: e.name,
        ranges: e.ranges ?? [],
        versions: e.versions ?? [],
        severity: [],
        ecosystemSpecific: e.ecosystemSpecific,
        vuln: { modified: '2024-01-01T00:00:00Z', severity: [], aliases: [], upstream: [], related: [], references: [], ...e.vuln },
      }));
  }
}

const upTo = (fixed: string, introduced = '0'): OsvRange[] => [{ type: 'ECOSYSTEM', events: [{ introduced }, { fixed }] }];
const open: OsvRange[] = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }];
const scan = (packages: Package[], os?: OSInfo): Pick<ScanResult, 'packages' | 'os'> => ({ packages, os });

describe('createMatcher', () => {
  it('merges the records of one vulnerability into one finding per package, shown by its CVE id', () => {
    const db = new FakeDb([
      { ecosystem: 'Go', name: 'golang.org/x/net', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.17.0' }] }], vuln: { id: 'GO-2023-2102', aliases: ['CVE-2023-39325', 'GHSA-4374-p667-p6c8'], summary: 'HTTP/2 rapid reset' } },
      { ecosystem: 'Go', name: 'golang.org/x/net', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.17.0' }] }], vuln: { id: 'GHSA-4374-p667-p6c8', aliases: ['CVE-2023-39325', 'GO-2023-2102'], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] } },
    ]);
    const out = createMatcher(db).match(scan([pkg({ type: 'golang', name: 'golang.org/x/net', version: 'v0.10.0', locations: ['/usr/local/bin/app'] })]));
    expect(out.findings).toHaveLength(1);
    const f = out.findings[0]!;
    expect(f).toMatchObject({
      kind: 'vulnerability',
      id: 'CVE-2023-39325',
      title: 'HTTP/2 rapid reset',
      severity: 'high',
      status: 'fixed',
      fixedVersion: '0.17.0',
      installedVersion: 'v0.10.0',
      location: { path: '/usr/local/bin/app' },
    });
    expect(f.references.slice(0, 2)).toEqual(['GHSA-4374-p667-p6c8', 'GO-2023-2102']);
    expect(out.details.get(f)).toMatchObject({ recordIds: ['GHSA-4374-p667-p6c8', 'GO-2023-2102'], severitySource: 'cvss', cvssScore: 7.5, matchedVersion: '0.10.0' });
  });

  it('merges a DEBIAN-CVE record with the DSA that fixes it, and takes a fix only when every record names one', () => {
    const db = new FakeDb([
      { ecosystem: 'Debian', release: '12', name: 'nginx', ranges: upTo('1.22.1-9+deb12u1'), ecosystemSpecific: { urgency: 'high' }, vuln: { id: 'DEBIAN-CVE-2023-44487', upstream: ['CVE-2023-44487'] } },
      { ecosystem: 'Debian', release: '12', name: 'nginx', ranges: upTo('1.22.1-9+deb12u2'), vuln: { id: 'DSA-9999-1', aliases: ['CVE-2023-44487'] } },
      { ecosystem: 'Debian', release: '12', name: 'nginx', ranges: open, ecosystemSpecific: { urgency: 'not yet assigned' }, vuln: { id: 'DEBIAN-CVE-2024-1', upstream: ['CVE-2024-1'] } },
      { ecosystem: 'Debian', release: '12', name: 'nginx', ranges: upTo('1.22.1-9+deb12u3'), vuln: { id: 'DSA-9999-2', aliases: ['CVE-2024-1'] } },
    ]);
    const out = createMatcher(db).match(scan([pkg({ type: 'deb', name: 'nginx-common', version: '1.22.1-9', sourceName: 'nginx' })], debian12));
    const byId = new Map(out.findings.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual(['CVE-2023-44487', 'CVE-2024-1']);
    expect(byId.get('CVE-2023-44487')).toMatchObject({ status: 'fixed', fixedVersion: '1.22.1-9+deb12u2', severity: 'high' });
    expect(byId.get('CVE-2023-44487')!.references).toEqual(expect.arrayContaining(['DEBIAN-CVE-2023-44487', 'DSA-9999-1']));
    expect(byId.get('CVE-2024-1')).toMatchObject({ status: 'unfixed', severity: 'unknown' });
    expect(byId.get('CVE-2024-1')!.fixedVersion).toBeUndefined();
  });

  it('states Debian end-of-life and unimportant issues', () => {
    const db = new FakeDb([
      { ecosystem: 'Debian', release: '12', name: 'glibc', ranges: open, ecosystemSpecific: { urgency: 'end-of-life' }, vuln: { id: 'DEBIAN-CVE-2020-1', upstream: ['CVE-2020-1'] } },
      { ecosystem: 'Debian', release: '12', name: 'glibc', ranges: open, ecosystemSpecific: { urgency: 'unimportant' }, vuln: { id: 'DEBIAN-CVE-2020-2', upstream: ['CVE-2020-2'] } },
      { ecosystem: 'Debian', release: '12', name: 'glibc', ranges: upTo('2.37-1'), ecosystemSpecific: { urgency: 'unimportant' }, vuln: { id: 'DEBIAN-CVE-2020-3', upstream: ['CVE-2020-3'] } },
    ]);
    const out = createMatcher(db).match(scan([pkg({ type: 'deb', name: 'libc6', version: '2.36-9+deb12u14', sourceName: 'glibc', sourceVersion: '2.36-9+deb12u14' })], debian12));
    expect(out.findings.map((f) => [f.id, f.status, f.severity])).toEqual([
      ['CVE-2020-1', 'end-of-life', 'unknown'],
      ['CVE-2020-2', 'will-not-fix', 'low'],
      ['CVE-2020-3', 'fixed', 'low'],
    ]);
  });

  it('never matches withdrawn records', () => {
    const db = new FakeDb([{ ecosystem: 'npm', name: 'left-pad', ranges: open, vuln: { id: 'GHSA-aaaa-bbbb-cccc', withdrawn: '2024-02-01T00:00:00Z' } }]);
    const out = createMatcher(db).match(scan([pkg({ type: 'npm', name: 'left-pad', version: '1.0.0' })]));
    expect(out.findings).toEqual([]);
  });

  it('leaves language packages owned by an OS package to the distribution data unless asked', () => {
    const db = new FakeDb([{ ecosystem: 'PyPI', name: 'urllib3', ranges: upTo('1.26.17'), vuln: { id: 'GHSA-v845-jxx5-vc9f', aliases: ['CVE-2023-43804'] } }]);
    const owned = pkg({ type: 'pypi', name: 'urllib3', version: '1.26.12', ownedBy: { type: 'deb', name: 'python3-urllib3' } });
    const plain = createMatcher(db).match(scan([owned], debian12));
    expect(plain.findings).toEqual([]);
    expect(plain.skipped).toEqual([expect.objectContaining({ code: 'owned-by-os-package', package: expect.objectContaining({ name: 'urllib3' }) })]);
    expect(plain.skipped[0]!.message).toMatch(/python3-urllib3/);
    const asked = createMatcher(db, { matchOwnedLanguagePackages: true }).match(scan([owned], debian12));
    expect(asked.findings.map((f) => [f.id, f.fixedVersion])).toEqual([['CVE-2023-43804', '1.26.17']]);
  });

  it('says what it skipped: unknown OS, unsupported OS, unreadable versions, GIT-only evidence', () => {
    const db = new FakeDb([
      { ecosystem: 'npm', name: 'x', ranges: [{ type: 'GIT', repo: 'https://example.org/x', events: [{ introduced: '0' }, { fixed: 'abc' }] }], vuln: { id: 'OSV-2024-1' } },
    ]);
    const m = createMatcher(db);
    const noOs = m.match(scan([pkg({ type: 'deb', name: 'tar', version: '1.34' })]));
    expect(noOs.skipped.map((s) => s.code)).toEqual(['no-os']);
    expect(noOs.notices[0]!.message).toMatch(/operating system is unknown/);
    const centos = m.match(scan([pkg({ type: 'rpm', name: 'bash', version: '4.2.46-35.el7' })], { family: 'centos', version: '7', source: '/etc/os-release' }));
    expect(centos.skipped.map((s) => s.code)).toEqual(['unsupported-os']);
    expect(centos.notices[0]!.message).toMatch(/no vulnerability data for .*centos/);
    const bad = m.match(scan([pkg({ type: 'npm', name: 'y', version: 'latest' })]));
    expect(bad.skipped).toEqual([expect.objectContaining({ code: 'invalid-version' })]);
    const git = m.match(scan([pkg({ type: 'npm', name: 'x', version: '1.0.0' })]));
    expect(git.findings).toEqual([]);
    expect(git.skipped).toEqual([expect.objectContaining({ code: 'git-range', recordId: 'OSV-2024-1' })]);
  });

  it('reports unreadable record versions as counted notices naming the record', () => {
    const db = new FakeDb([{ ecosystem: 'npm', name: 'z', ranges: upTo('not-a-version'), vuln: { id: 'GHSA-zzzz-zzzz-zzzz' } }]);
    const out = createMatcher(db).match(scan([pkg({ type: 'npm', name: 'z', version: '1.0.0' })]));
    expect(out.findings).toEqual([]);
    expect(out.notices).toEqual([expect.objectContaining({ level: 'warning', where: 'GHSA-zzzz-zzzz-zzzz', message: expect.stringMatching(/not a semver version/) })]);
  });

  it('asks Ubuntu LTS under both release spellings, Red Hat by stream, and caches lookups across scans', () => {
    const db = new FakeDb([
      { ecosystem: 'Ubuntu', release: '22.04:LTS', name: 'openssl', ranges: upTo('3.0.2-0ubuntu1.8'), vuln: { id: 'UBUNTU-CVE-2023-0286', upstream: ['CVE-2023-0286'] } },
      { ecosystem: 'Red Hat', release: 'enterprise_linux:9::baseos', name: 'openssl-libs', ranges: upTo('1:3.0.7-6.el9_2'), vuln: { id: 'RHSA-2023:3722', aliases: ['CVE-2023-0286'] } },
    ]);
    const m = createMatcher(db);
    const ubuntu = m.match(scan([pkg({ type: 'deb', name: 'libssl3', version: '3.0.2-0ubuntu1.7', sourceName: 'openssl' })], { family: 'ubuntu', version: '22.04', source: '' }));
    expect(ubuntu.findings.map((f) => [f.id, f.fixedVersion])).toEqual([['CVE-2023-0286', '3.0.2-0ubuntu1.8']]);
    expect(db.calls).toEqual(['Ubuntu|22.04|openssl', 'Ubuntu|22.04:LTS|openssl']);
    const rhel = m.match(scan([pkg({ type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-5.el9', sourceName: 'openssl' })], { family: 'rhel', version: '9.2', source: '' }));
    expect(rhel.findings.map((f) => [f.id, f.fixedVersion, f.references[0]])).toEqual([['CVE-2023-0286', '1:3.0.7-6.el9_2', 'RHSA-2023:3722']]);
    const before = db.calls.length;
    m.match(scan([pkg({ type: 'deb', name: 'openssl', version: '3.0.2-0ubuntu1.7', sourceName: 'openssl' })], { family: 'ubuntu', version: '22.04', source: '' }));
    expect(db.calls.length).toBe(before);
  });

  it('uses a prefix lookup when the database has one', () => {
    const calls: string[] = [];
    const source: AffectedSource = {
      findAffected: () => {
        throw new Error('not expected');
      },
      findAffectedByReleasePrefix: (ecosystem, prefix, name) => {
        calls.push(`${ecosystem}|${prefix}|${name}`);
        return [];
      },
    };
    const out = createMatcher(source).match(scan([pkg({ type: 'rpm', name: 'bash', version: '5.1.8-6.el9' })], { family: 'rhel', version: '9.4', source: '' }));
    expect(out.notices).toEqual([]);
    expect(calls).toEqual(['Red Hat|enterprise_linux:9::|bash']);
  });

  it('never throws out of match when the database does', () => {
    const source: AffectedSource = {
      findAffected: () => {
        throw new Error('disk gone');
      },
    };
    const out = createMatcher(source).match(scan([pkg({ type: 'npm', name: 'a', version: '1.0.0' })]));
    expect(out.notices).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/matching npm a 1.0.0 failed: disk gone/) })]);
  });
});

describe('the bundled example image against hand-written records (examples/osv)', () => {
  let dir: string;
  let db: VulnDb;
  let out: MatchOutput;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bulkhead-match-example-'));
    await importDb({ dir, source: path.join(here, '../../../examples/osv') });
    db = VulnDb.open(dir);
    const result = await scanImage(`oci:${path.join(repoRoot, 'examples/image')}:example`, { cache: null, scanners: ['vuln'] });
    out = createMatcher(db).match(result);
  }, 60_000);

  afterAll(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds lodash, minimist and the unimportant glibc issue, and nothing else', () => {
    expect(out.findings.map((f) => `${f.package!.name} ${f.installedVersion} ${f.id} ${f.status} ${f.severity} ${f.fixedVersion ?? '-'}`).sort()).toEqual([
      'libc6 2.36-9+deb12u14 CVE-2010-4756 will-not-fix low -',
      'lodash 4.17.15 CVE-2020-8203 fixed high 4.17.20',
      'minimist 1.2.0 CVE-2021-44906 fixed critical 1.2.6',
    ]);
  });

  it('places findings at the package and its layer', () => {
    const lodash = out.findings.find((f) => f.package!.name === 'lodash')!;
    expect(lodash.location.path).toBe('/app/node_modules/lodash/package.json');
    expect(lodash.location.layer?.index).toBe(1);
    expect(lodash.references).toEqual(['GHSA-p6mc-m468-83gw', 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203']);
    expect(out.details.get(lodash)).toMatchObject({ cvssScore: 7.4, ecosystem: 'npm' });
  });

  it('finds glibc and zlib fixed below the installed versions (epoch included), with DSA and DEBIAN-CVE as one vulnerability', () => {
    const notAffected = out.skipped.filter((s) => s.code === 'not-affected').map((s) => `${s.package!.name} ${s.vulnId} ${s.recordId}`).sort();
    expect(notAffected).toEqual([
      'libc6 CVE-2023-4911 DEBIAN-CVE-2023-4911',
      'libc6 CVE-2023-4911 DSA-5514-1',
      'zlib1g CVE-2022-37434 DEBIAN-CVE-2022-37434',
    ]);
    expect(out.notices).toEqual([]);
  });
});
