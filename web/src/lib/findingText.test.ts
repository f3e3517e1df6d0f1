import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../api/types.js';
import { locationText, packageText, safeHref } from './findingText.js';

const pkg = { id: 'p', type: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' } as Finding['package'];

describe('packageText', () => {
  it('writes name@version → fix', () => {
    expect(packageText({ package: pkg, installedVersion: '4.17.20', fixedVersion: '4.17.21' })).toBe('lodash@4.17.20 → 4.17.21');
    expect(packageText({ package: pkg })).toBe('lodash@4.17.20 (no fix)');
    expect(packageText({})).toBe('—');
  });
});

describe('locationText', () => {
  it('joins object, path with lines, and layer', () => {
    expect(locationText({ location: { path: '/app/.env', startLine: 3, endLine: 3, layer: { index: 2, diffID: 'sha256:x' } } })).toBe('/app/.env:3 · layer 2');
    expect(locationText({ location: { path: 'deploy.yaml', startLine: 3, endLine: 9 } })).toBe('deploy.yaml:3-9');
    expect(locationText({ location: { object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' } } })).toBe('Deployment shop/web');
    expect(locationText({ location: {} })).toBe('—');
    expect(locationText({} as Finding)).toBe('—');
  });
});

describe('safeHref', () => {
  it('keeps http(s) and refuses every other scheme', () => {
    expect(safeHref('https://nvd.nist.gov/vuln/detail/CVE-2021-23337')).toBe('https://nvd.nist.gov/vuln/detail/CVE-2021-23337');
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', '/relative', 'CVE-2021-1', '', 'x'.repeat(3000), 42, null]) expect(safeHref(bad)).toBeUndefined();
  });
  it('never returns a non-http URL for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.string().map((s) => `javascript:${s}`)), (s) => {
        const h = safeHref(s);
        return h === undefined || /^https?:\/\//.test(h);
      }),
      { numRuns: 300 },
    );
  });
});
