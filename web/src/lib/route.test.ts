import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageHref, parseRoute, parseRouteQuery } from './route.js';

describe('parseRoute', () => {
  it('knows every page', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/')).toEqual({ page: 'overview' });
    expect(parseRoute('#/images')).toEqual({ page: 'images', query: {} });
    expect(parseRoute('#/scans')).toEqual({ page: 'scans', query: {} });
    expect(parseRoute('#/findings/')).toEqual({ page: 'findings', query: {} });
    expect(parseRoute('#/kubernetes/')).toEqual({ page: 'kubernetes' });
    expect(parseRoute('#/runtime')).toEqual({ page: 'runtime' });
    expect(parseRoute('#/registries')).toEqual({ page: 'registries' });
  });
  it('carries the query of list pages so a filtered view can be linked', () => {
    expect(parseRoute('#/findings?severity=high&page=2')).toEqual({ page: 'findings', query: { severity: 'high', page: '2' } });
    expect(parseRoute('#/scans?status=failed')).toEqual({ page: 'scans', query: { status: 'failed' } });
    expect(parseRoute('#/images?page=3')).toEqual({ page: 'images', query: { page: '3' } });
    expect(parseRoute('#/findings/x?severity=high')).toMatchObject({ page: 'not-found' });
  });
  it('round-trips image digests and rejects anything else', () => {
    const d = `sha256:${'ab'.repeat(32)}`;
    expect(parseRoute(imageHref(d))).toEqual({ page: 'image', digest: d });
    expect(parseRoute('#/images/..%2F..%2Fetc')).toEqual({ page: 'not-found', path: 'images/..%2F..%2Fetc' });
    expect(parseRoute('#/images/%E0%A4%A')).toMatchObject({ page: 'not-found' });
    expect(parseRoute('#/overview/x')).toMatchObject({ page: 'not-found' });
  });
  it('never throws on arbitrary hashes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => typeof parseRoute(s).page === 'string'), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => typeof parseRoute(`#/findings?${s}`).page === 'string'), { numRuns: 300 });
  });
});

describe('parseRouteQuery', () => {
  it('keeps the first value, drops odd keys and oversized values', () => {
    expect(parseRouteQuery('a=1&a=2&__proto__=x&B=3&long=' + 'x'.repeat(201))).toEqual({ a: '1' });
    expect(parseRouteQuery('severity=%E0%A4%A')).toHaveProperty('severity');
  });
  it('bounds the number of parameters', () => {
    const qs = Array.from({ length: 50 }, (_, i) => `k${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}=1`).join('&');
    expect(Object.keys(parseRouteQuery(qs)).length).toBe(20);
  });
  it('never returns more than 20 keys or values over 200 characters', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 25 }), fc.string({ maxLength: 300 })), { maxLength: 60 }), (pairs) => {
        const q = parseRouteQuery(new URLSearchParams(pairs).toString());
        const keys = Object.keys(q);
        return keys.length <= 20 && keys.every((k) => (q[k] ?? '').length <= 200);
      }),
      { numRuns: 200 },
    );
  });
});
