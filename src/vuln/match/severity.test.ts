import { describe, expect, it } from 'vitest';
import { cvssBaseScore, debianUrgency, rateSeverity, severityOfScore } from './severity.js';

describe('cvssBaseScore', () => {
  it('computes base scores of v2, v3.0, v3.1 and v4.0 vectors', () => {
    expect(cvssBaseScore('CVSS_V3', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvssBaseScore('CVSS_V3', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H')).toBe(7.4);
    expect(cvssBaseScore('CVSS_V3', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toBe(6.1);
    expect(cvssBaseScore('CVSS_V2', 'AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBe(7.5);
    expect(cvssBaseScore('CVSS_V4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBe(9.3);
  });

  it('gives nothing for incomplete or garbage vectors', () => {
    expect(cvssBaseScore('CVSS_V3', 'CVSS:3.1/AV:N')).toBeUndefined();
    expect(cvssBaseScore('CVSS_V3', 'garbage')).toBeUndefined();
    expect(cvssBaseScore('CVSS_V3', `CVSS:3.1/${'AV:N/'.repeat(200)}`)).toBeUndefined();
    expect(cvssBaseScore('Ubuntu', 'high')).toBeUndefined();
  });
});

describe('severityOfScore', () => {
  it('uses the FIRST scale, and the NVD v2 one for v2', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map((s) => severityOfScore(s, '3.1'))).toEqual([
      'info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical',
    ]);
    expect([3.9, 4, 7, 10].map((s) => severityOfScore(s, '2.0'))).toEqual(['low', 'medium', 'high', 'high']);
  });
});

describe('rateSeverity', () => {
  it('prefers the newest CVSS version', () => {
    const r = rateSeverity([
      {
        recordId: 'X-1',
        severity: [
          { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' },
          { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N' },
        ],
      },
    ]);
    expect(r).toMatchObject({ severity: 'low', source: 'cvss', score: 2.7, vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N' });
  });

  it('falls back to the database rating, then the distribution urgency, then unknown', () => {
    expect(rateSeverity([{ recordId: 'GHSA-x', severity: [], databaseSpecific: { severity: 'MODERATE' } }])).toMatchObject({
      severity: 'medium',
      source: 'database',
    });
    expect(rateSeverity([{ recordId: 'DEBIAN-CVE-1', severity: [], ecosystemSpecific: { urgency: 'high**' } }])).toMatchObject({
      severity: 'high',
      source: 'distro',
      detail: 'Debian urgency high (DEBIAN-CVE-1)',
    });
    expect(rateSeverity([{ recordId: 'D', severity: [], ecosystemSpecific: { urgency: 'unimportant' } }]).severity).toBe('low');
    expect(rateSeverity([{ recordId: 'U', severity: [], ecosystemSpecific: { ubuntu_priority: 'negligible' } }]).severity).toBe('low');
    expect(rateSeverity([{ recordId: 'D', severity: [], ecosystemSpecific: { urgency: 'not yet assigned' } }])).toMatchObject({ severity: 'unknown', source: 'none' });
    expect(rateSeverity([{ recordId: 'D', severity: [{ type: 'CVSS_V3', score: 'broken' }] }]).severity).toBe('unknown');
  });

  it('reads Debian urgency without its marks', () => {
    expect(debianUrgency({ urgency: 'medium**' })).toBe('medium');
    expect(debianUrgency({})).toBeUndefined();
  });
});
