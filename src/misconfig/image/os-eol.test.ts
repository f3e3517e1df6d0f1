import { describe, expect, it } from 'vitest';
import type { OSInfo, ScanResult } from '../../core/types.js';
import { EOL_TABLE } from './eol-table.js';
import { checkImage } from './index.js';
import { lookupEol, releaseKey } from './os-eol.js';
import { debianBase, NOW } from './testdata/result.js';

const withOs = (os: Partial<OSInfo>): ScanResult => debianBase({ os: { family: 'debian', version: '12', source: '/etc/os-release', ...os } });
const eol = (r: ScanResult, options = {}) => checkImage(r, { now: NOW, ...options }).filter((f) => f.id === 'BH-IMG-011');

describe('end-of-life table', () => {
  it('has well-formed dates, unique releases and a source for every distribution', () => {
    for (const d of EOL_TABLE) {
      expect(d.source).toMatch(/^https:\/\//);
      const keys = d.releases.map((r) => r.release);
      expect(new Set(keys).size).toBe(keys.length);
      for (const r of d.releases) {
        expect(r.endOfLife).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(Number.isNaN(Date.parse(r.endOfLife))).toBe(false);
        expect(releaseKey(r.release, d.keyParts)).toBeDefined();
        if (r.extended) expect(r.extended.until > r.endOfLife).toBe(true);
      }
    }
  });

  it('derives release keys from os-release versions', () => {
    expect(releaseKey('12.15', 1)).toEqual([12]);
    expect(releaseKey('22.04', 2)).toEqual([22, 4]);
    expect(releaseKey('3.20.3', 2)).toEqual([3, 20]);
    expect(releaseKey('3.21.0_alpha20240807', 2)).toEqual([3, 21]);
    expect(releaseKey('2018.03', 1)).toEqual([2018]);
    expect(releaseKey('trixie/sid', 1)).toBeUndefined();
    expect(releaseKey('3', 2)).toBeUndefined();
  });
});

describe('BH-IMG-011 OS end of life', () => {
  it('does not fire for Debian 12.15 (the fixtures) in November 2026: Debian LTS runs to 2028-06-30', () => {
    expect(eol(debianBase())).toEqual([]);
  });

  it('fires for Debian 11 after 2026-08-31, with status end-of-life and a supported release to move to', () => {
    const [f, ...rest] = eol(withOs({ version: '11.9', source: '/etc/os-release' }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      id: 'BH-IMG-011',
      severity: 'high',
      status: 'end-of-life',
      title: 'Debian 11 (bullseye) reached end of life on 2026-08-31',
      location: { path: '/etc/os-release' },
    });
    expect(f!.remediation).toBe('Rebuild on a supported release: Debian 13 (trixie) (supported until 2030-06-30) or Debian 12 (bookworm) (supported until 2028-06-30).');
  });

  it('does not fire for Debian 11 the day its support ends, and fires the day after', () => {
    expect(eol(withOs({ version: '11' }), { now: new Date('2026-08-31T23:59:59Z') })).toMatchObject([{ severity: 'low', title: 'Debian 11 (bullseye) reaches end of life on 2026-08-31 (in 1 days)' }]);
    expect(eol(withOs({ version: '11' }), { now: new Date('2026-09-01T00:00:00Z') })).toMatchObject([{ severity: 'high', status: 'end-of-life' }]);
  });

  it('warns at low severity within eolWarningDays, and not when that is 0', () => {
    const os = withOs({ family: 'alpine', version: '3.21.3', source: '/etc/alpine-release' });
    const at = new Date('2026-10-01T00:00:00Z');
    expect(eol(os, { now: at })).toMatchObject([{ severity: 'low', title: 'Alpine 3.21 reaches end of life on 2026-11-01 (in 32 days)' }]);
    expect(eol(os, { now: at, eolWarningDays: 0 })).toEqual([]);
    expect(eol(os)).toMatchObject([{ severity: 'high', title: 'Alpine 3.21 reached end of life on 2026-11-01' }]);
  });

  it('mentions paid extended support where it continues (Ubuntu 20.04 and Ubuntu Pro)', () => {
    const [f] = eol(withOs({ family: 'ubuntu', version: '20.04' }));
    expect(f!.title).toBe('Ubuntu 20.04 LTS reached end of life on 2025-05-31');
    expect(f!.evidence).toContain('Ubuntu Pro (ESM) continues until 2030-04-30');
  });

  it('tells CentOS Stream from CentOS Linux, and reports Amazon Linux 2 after 2026-06-30', () => {
    expect(lookupEol({ family: 'centos', version: '9', name: 'CentOS Stream' }, NOW)).toMatchObject({ kind: 'listed', release: { name: 'CentOS Stream 9' } });
    expect(eol(withOs({ family: 'centos', version: '9', name: 'CentOS Stream' }))).toEqual([]);
    expect(eol(withOs({ family: 'centos', version: '7.9.2009' }))).toMatchObject([{ title: 'CentOS 7 reached end of life on 2024-06-30' }]);
    expect(eol(withOs({ family: 'amzn', version: '2' }))).toMatchObject([{ title: 'Amazon Linux 2 reached end of life on 2026-06-30' }]);
    expect(eol(withOs({ family: 'rocky', version: '9.4' }))).toEqual([]);
  });

  it('reports a release older than every listed one, all of which are end of life', () => {
    expect(eol(withOs({ family: 'alpine', version: '3.6.2' }))).toMatchObject([
      { severity: 'high', status: 'end-of-life', title: 'alpine 3.6.2 is end of life (older than Alpine 3.10, which ended 2021-05-01)' },
    ]);
  });

  it('does not guess for releases newer than the table, testing versions or unknown distributions', () => {
    expect(eol(withOs({ family: 'alpine', version: '3.25.0' }))).toEqual([]);
    expect(eol(withOs({ family: 'debian', version: 'trixie/sid' }))).toEqual([]);
    expect(eol(withOs({ family: 'gentoo', version: '2.17' }))).toEqual([]);
    expect(eol(debianBase({ os: undefined }))).toEqual([]);
  });
});
