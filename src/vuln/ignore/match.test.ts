import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/types.js';
import { parseIgnoreFile } from './file.js';
import { findingIds, indexIgnoreEntries, isExpired, purlMatches } from './match.js';

// Shaped as the matcher writes them for GHSA-p6mc-m468-83gw (vulndata/npm) and DEBIAN-CVE-2005-2541 (vulndata/Debian).
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
  references: ['GHSA-p6mc-m468-83gw', 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203'],
};
const tar: Finding = {
  kind: 'vulnerability',
  id: 'CVE-2005-2541',
  title: 'tar: does not warn about setuid files when extracting',
  severity: 'low',
  status: 'will-not-fix',
  location: { path: '/var/lib/dpkg/status' },
  package: { id: 'deb:tar@1.34+dfsg-1.2+deb12u1', type: 'deb', name: 'tar', version: '1.34+dfsg-1.2+deb12u1', purl: 'pkg:deb/debian/tar@1.34%2Bdfsg-1.2%2Bdeb12u1?arch=amd64&distro=debian-12', sourceName: 'tar' },
  installedVersion: '1.34+dfsg-1.2+deb12u1',
  references: ['DEBIAN-CVE-2005-2541', 'https://security-tracker.debian.org/tracker/CVE-2005-2541'],
};
const libssl: Finding = {
  ...tar,
  id: 'CVE-2024-5535',
  package: { id: 'deb:libssl3@3.0.15-1~deb12u1', type: 'deb', name: 'libssl3', version: '3.0.15-1~deb12u1', purl: 'pkg:deb/debian/libssl3@3.0.15-1~deb12u1', sourceName: 'openssl' },
  references: [],
};

function entries(yaml: string) {
  return parseIgnoreFile(yaml, 'i.yaml').entries;
}

describe('ignore entry matching', () => {
  it('takes aliases from references but not URLs', () => {
    expect(findingIds(lodash)).toEqual(['CVE-2020-8203', 'GHSA-p6mc-m468-83gw']);
  });

  it('matches by id or alias, case-insensitively', () => {
    const idx = indexIgnoreEntries(entries('ignore:\n  - id: ghsa-p6mc-m468-83gw\n    reason: r\n'));
    expect(idx.matching(lodash).map((e) => e.line)).toEqual([2]);
    expect(idx.matching(tar)).toEqual([]);
  });

  it('narrows by package name or source package', () => {
    const idx = indexIgnoreEntries(entries('ignore:\n  - id: CVE-2024-5535\n    package: openssl\n    reason: r\n  - id: CVE-2005-2541\n    package: gzip\n    reason: r\n'));
    expect(idx.matching(libssl).map((e) => e.line)).toEqual([2]);
    expect(idx.matching(tar)).toEqual([]);
  });

  it('narrows by purl prefix on component boundaries', () => {
    expect(purlMatches('pkg:npm/lodash', 'pkg:npm/lodash@4.17.15')).toBe(true);
    expect(purlMatches('pkg:NPM/lodash', 'pkg:npm/lodash@4.17.15')).toBe(true);
    expect(purlMatches('pkg:npm/lodash@4.17.15', 'pkg:npm/lodash@4.17.15')).toBe(true);
    expect(purlMatches('pkg:npm/lodash@4.17.1', 'pkg:npm/lodash@4.17.15')).toBe(false);
    expect(purlMatches('pkg:npm/lodash', 'pkg:npm/lodash.merge@4.6.2')).toBe(false);
    expect(purlMatches('pkg:deb/debian/tar', tar.package!.purl)).toBe(true);
    expect(purlMatches('pkg:npm/lodash', undefined)).toBe(false);
  });

  it('narrows by path glob', () => {
    const idx = indexIgnoreEntries(entries('ignore:\n  - id: CVE-2020-8203\n    path: /srv/**\n    reason: r\n  - id: CVE-2020-8203\n    path: /app/*.json\n    reason: r\n'));
    expect(idx.matching(lodash).map((e) => e.line)).toEqual([5]);
    const noPath = { ...lodash, location: {} };
    expect(idx.matching(noPath)).toEqual([]);
  });

  it('expires at the start of the given day, UTC', () => {
    const [e] = entries('ignore:\n  - id: CVE-1\n    reason: r\n    expires: 2026-12-31\n');
    expect(isExpired(e!, new Date('2026-12-30T23:59:59Z'))).toBe(false);
    expect(isExpired(e!, new Date('2026-12-31T00:00:00Z'))).toBe(true);
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SHARED = path.resolve(repoRoot, '../shared');

describe.skipIf(!existsSync(SHARED))('ignore matching against shared OSV records', () => {
  it('an entry naming the GHSA id suppresses the finding the matcher names by CVE', () => {
    const record = JSON.parse(readFileSync(path.join(SHARED, 'vulndata/npm/GHSA-p6mc-m468-83gw.json'), 'utf8')) as { id: string; aliases: string[] };
    expect(record.aliases).toEqual(['CVE-2020-8203']);
    const finding: Finding = { ...lodash, id: record.aliases[0]!, references: [record.id] };
    const idx = indexIgnoreEntries(entries(`ignore:\n  - id: ${record.id}\n    purl: pkg:npm/lodash\n    reason: r\n`));
    expect(idx.matching(finding)).toHaveLength(1);
  });
});
