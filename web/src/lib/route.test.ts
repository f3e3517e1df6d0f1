import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageHref, parseRoute } from './route.js';

describe('parseRoute', () => {
  it('knows every page', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/')).toEqual({ page: 'overview' });
    expect(parseRoute('#/images')).toEqual({ page: 'images' });
    expect(parseRoute('#/kubernetes/')).toEqual({ page: 'kubernetes' });
    expect(parseRoute('#/runtime')).toEqual({ page: 'runtime' });
    expect(parseRoute('#/registries')).toEqual({ page: 'registries' });
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
  });
});
