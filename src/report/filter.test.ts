import { describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../core/types.js';
import { BulkheadError } from '../core/errors.js';
import { parseIgnoreFile } from '../vuln/ignore/file.js';
import { applyFilters, parseSeverityList, parseStatusList } from './filter.js';

// Findings shaped as the matcher writes them for records in ../shared/vulndata:
// npm/GHSA-p6mc-m468-83gw (lodash), Debian/DEBIAN-CVE-2005-2541 (tar, unimportant), DEBIAN-CVE-2006-4334 (gzip).
const lodash: Finding = {
  kind: 'vulnerability',
  id: 'CVE-2020-8203',
  title: 'Prototype Pollution in lodash',
  severity: 'high',
  status: 'fixed',
  location: { path: '/app/package-lock.json' },
  package: { id: 'npm:lodash@4.17.15', type: 'npm', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' },
  installedVersion: '4.17.15',
  fixedVersion: '4.17.20',
  references: ['GHSA-p6mc-m468-83gw'],
};
const tar: Finding = {
  kind: 'vulnerability',
  id: 'CVE-2005-2541',
  title: 'tar: does not warn about setuid files when extracting',
  severity: 'low',
  status: 'will-not-fix',
  location: { path: '/var/lib/dpkg/status' },
  package: { id: 'deb:tar@1.34+dfsg-1.2+deb12u1', type: 'deb', name: 'tar', version: '1.34+dfsg-1.2+deb12u1', purl: 'pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1', sourceName: 'tar' },
  installedVersion: '1.34+dfsg-1.2+deb12u1',
  references: ['DEBIAN-CVE-2005-2541'],
};
const gzip: Finding = {
  kind: 'vulnerability',
  id: 'CVE-2006-4334',
  title: 'gzip: NULL dereference',
  severity: 'high',
  status: 'unfixed',
  location: { path: '/var/lib/dpkg/status' },
  package: { id: 'deb:gzip@1.12-1', type: 'deb', name: 'gzip', version: '1.12-1', purl: 'pkg:deb/debian/gzip@1.12-1', sourceName: 'gzip' },
  installedVersion: '1.12-1',
  references: ['DEBIAN-CVE-2006-4334'],
};
const rootUser: Finding = {
  kind: 'misconfiguration',
  id: 'DS002',
  title: 'Image user should not be root',
  severity: 'high',
  location: { path: '/Dockerfile', startLine: 1 },
  references: [],
};
const vexed: Finding = {
  ...gzip,
  id: 'CVE-2022-1271',
  severity: 'critical',
  suppressedBy: { kind: 'vex', source: 'vex.json', reason: 'vulnerable_code_not_in_execute_path' },
};

const result: ScanResult = {
  schemaVersion: 1,
  tool: { name: 'bulkhead', version: '0.1.0' },
  createdAt: '2026-11-29T00:00:00Z',
  target: { kind: 'image', name: 'debian-bookworm' },
  packages: [],
  findings: [lodash, tar, gzip, rootUser, vexed],
  notices: [{ level: 'info', message: 'from an earlier stage' }],
  scanners: ['vuln', 'misconfig'],
  stats: { layersRead: 1, layersFromCache: 0, filesAnalyzed: 10, bytesRead: 100, durationMs: 5 },
};

const ignoreYaml = `ignore:
  - id: GHSA-p6mc-m468-83gw
    purl: pkg:npm/lodash
    reason: zipObjectDeep is never called with user input
    expires: 2027-01-01
  - id: CVE-2005-2541
    package: tar
    path: /var/lib/dpkg/**
    reason: tar never extracts untrusted archives here
  - id: CVE-2006-4334
    reason: temporary, until the base image is rebuilt
    expires: 2026-06-01
  - id: CVE-2099-0001
    reason: was for an older base image
`;
const ignore = parseIgnoreFile(ignoreYaml, '.bulkheadignore.yaml');
const now = new Date('2026-11-29T12:00:00Z');
const ids = (fs: readonly Finding[]) => fs.map((f) => f.id);

describe('applyFilters', () => {
  it('without options shows every unsuppressed finding and hides suppressed ones', () => {
    const out = applyFilters(result, { now });
    expect(ids(out.result.findings)).toEqual(['CVE-2020-8203', 'CVE-2005-2541', 'CVE-2006-4334', 'DS002']);
    expect(out.summary.hiddenSuppressed).toBe(1);
    expect(out.notices).toEqual([{ level: 'info', message: '1 suppressed finding not shown (show-suppressed lists them with the reason)' }]);
  });

  it('drops findings outside the selected severities and counts them', () => {
    const out = applyFilters(result, { severities: ['critical', 'high'], showSuppressed: true, now });
    expect(ids(out.result.findings)).toEqual(['CVE-2020-8203', 'CVE-2006-4334', 'DS002', 'CVE-2022-1271']);
    expect(out.summary.dropped.severity).toBe(1);
    expect(out.notices.map((n) => n.message)).toEqual(['1 finding outside the selected severities (critical, high) not shown']);
  });

  it('ignore-unfixed drops vulnerabilities without a fixed version only', () => {
    const out = applyFilters(result, { ignoreUnfixed: true, now });
    expect(ids(out.result.findings)).toEqual(['CVE-2020-8203', 'DS002']);
    // tar and gzip, plus the VEX-suppressed one, which is dropped before suppression hides it.
    expect(out.summary.dropped.unfixed).toBe(3);
    expect(out.summary.hiddenSuppressed).toBe(0);
  });

  it('ignore-status drops the named statuses', () => {
    const out = applyFilters(result, { ignoreStatuses: ['will-not-fix'], now });
    expect(ids(out.result.findings)).toEqual(['CVE-2020-8203', 'CVE-2006-4334', 'DS002']);
    expect(out.summary.dropped.status).toBe(1);
  });

  it('suppresses ignore-file matches with file:line and reason, hidden unless asked', () => {
    const hidden = applyFilters(result, { ignore, now });
    expect(ids(hidden.result.findings)).toEqual(['CVE-2006-4334', 'DS002']);
    expect(hidden.summary).toEqual({ dropped: { severity: 0, unfixed: 0, status: 0 }, suppressedByIgnore: 2, hiddenSuppressed: 3 });

    const shown = applyFilters(result, { ignore, showSuppressed: true, now });
    expect(ids(shown.result.findings)).toEqual(['CVE-2020-8203', 'CVE-2005-2541', 'CVE-2006-4334', 'DS002', 'CVE-2022-1271']);
    expect(shown.result.findings[0]!.suppressedBy).toEqual({ kind: 'ignore', source: '.bulkheadignore.yaml:2', reason: 'zipObjectDeep is never called with user input' });
    expect(shown.result.findings[1]!.suppressedBy).toEqual({ kind: 'ignore', source: '.bulkheadignore.yaml:6', reason: 'tar never extracts untrusted archives here' });
    expect(shown.result.findings[2]!.suppressedBy).toBeUndefined();
    // An earlier suppression wins over the ignore file.
    expect(shown.result.findings[4]!.suppressedBy?.kind).toBe('vex');
  });

  it('warns about expired entries and reports entries that match nothing', () => {
    const out = applyFilters(result, { ignore, now });
    expect(out.notices.filter((n) => n.where)).toEqual([
      {
        level: 'warning',
        message: 'ignore entry CVE-2006-4334 expired on 2026-06-01 and no longer suppresses anything: review it, then renew or remove it',
        where: '.bulkheadignore.yaml:10',
      },
      { level: 'info', message: 'ignore entry CVE-2099-0001 no longer matches any finding: remove it', where: '.bulkheadignore.yaml:13' },
    ]);
    const before = applyFilters(result, { ignore, now: new Date('2026-05-31T23:00:00Z') });
    expect(ids(before.result.findings)).toEqual(['DS002']);
    expect(before.notices.some((n) => n.level === 'warning')).toBe(false);
  });

  it('counts an entry as used when its finding is dropped by another filter', () => {
    const out = applyFilters(result, { ignore, severities: ['critical', 'high'], now });
    expect(out.notices.some((n) => n.where === '.bulkheadignore.yaml:6')).toBe(false);
    expect(ids(out.result.findings)).toEqual(['CVE-2006-4334', 'DS002']);
  });

  it('does not mutate its input', () => {
    const snapshot = structuredClone(result);
    const out = applyFilters(result, { ignore, showSuppressed: true, severities: ['high'], now });
    expect(result).toEqual(snapshot);
    expect(out.result).not.toBe(result);
    expect(out.result.notices).toEqual(snapshot.notices);
    expect(lodash.suppressedBy).toBeUndefined();
  });
});

describe('flag value lists', () => {
  it('parses severities and statuses case-insensitively, without duplicates', () => {
    expect(parseSeverityList('LOW, medium,HIGH,CRITICAL,high')).toEqual(['low', 'medium', 'high', 'critical']);
    expect(parseStatusList('unfixed,will-not-fix')).toEqual(['unfixed', 'will-not-fix']);
  });

  it('rejects unknown names as a usage error', () => {
    expect(() => parseSeverityList('HIGH,SEVERE')).toThrow(BulkheadError);
    let caught: unknown;
    try {
      parseStatusList('wontfix');
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'USAGE', message: 'unknown status "wontfix"' });
  });
});
