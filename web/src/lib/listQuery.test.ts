import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, FINDINGS_FILTERS, listApiPath, listHash, MAX_PAGE_SIZE, parseListQuery, SCANS_FILTERS, withFilter } from './listQuery.js';
import { parseRoute } from './route.js';

describe('parseListQuery', () => {
  it('keeps values the API accepts and drops the rest', () => {
    expect(parseListQuery({ severity: 'high', kind: 'nope', fixable: 'true', page: '3', size: '10' }, FINDINGS_FILTERS)).toEqual({
      filters: { severity: 'high', fixable: 'true' },
      page: 3,
      size: 10,
    });
    expect(parseListQuery({ fixable: 'no', severity: 'HIGH', status: 'Fixed' }, FINDINGS_FILTERS).filters).toEqual({});
    expect(parseListQuery({ fixable: 'false', status: 'will-not-fix' }, FINDINGS_FILTERS).filters).toEqual({ fixable: 'false', status: 'will-not-fix' });
    expect(parseListQuery({ status: 'failed', kind: 'image' }, SCANS_FILTERS).filters).toEqual({ status: 'failed', kind: 'image' });
  });
  it('falls back to page 1 and the default size for odd numbers', () => {
    for (const [page, size] of [['0', '0'], ['-1', '-5'], ['1e3', '1.5'], ['99999999', String(MAX_PAGE_SIZE + 1)], ['', '']]) {
      expect(parseListQuery({ page: page!, size: size! }, SCANS_FILTERS)).toMatchObject({ page: 1, size: DEFAULT_PAGE_SIZE });
    }
  });
  it('never yields a page below 1 or a size outside 1..500', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('page', 'size', 'severity', 'kind', 'fixable', 'x'), fc.string({ maxLength: 12 })), (raw) => {
        const q = parseListQuery(raw, FINDINGS_FILTERS);
        return q.page >= 1 && Number.isInteger(q.page) && q.size >= 1 && q.size <= MAX_PAGE_SIZE && Object.keys(q.filters).every((k) => k in FINDINGS_FILTERS);
      }),
      { numRuns: 300 },
    );
  });
});

describe('listApiPath and listHash', () => {
  it('turns page and size into limit/offset', () => {
    const q = parseListQuery({ severity: 'critical', page: '3', size: '10' }, FINDINGS_FILTERS);
    expect(listApiPath('/findings', q)).toBe('/findings?severity=critical&limit=10&offset=20');
    expect(listApiPath('/scans', parseListQuery({}, SCANS_FILTERS))).toBe(`/scans?limit=${DEFAULT_PAGE_SIZE}&offset=0`);
  });
  it('leaves defaults out of the hash and round-trips through the router', () => {
    expect(listHash('scans', parseListQuery({}, SCANS_FILTERS))).toBe('#/scans');
    const q = parseListQuery({ status: 'failed', page: '2', size: '10' }, SCANS_FILTERS);
    const h = listHash('scans', q);
    expect(h).toBe('#/scans?status=failed&page=2&size=10');
    const r = parseRoute(h);
    expect(r.page === 'scans' && parseListQuery(r.query, SCANS_FILTERS)).toEqual(q);
  });
  it('a changed filter returns to page 1; an empty value removes the filter', () => {
    const q = parseListQuery({ severity: 'high', page: '4' }, FINDINGS_FILTERS);
    expect(withFilter(q, 'kind', 'secret')).toEqual({ filters: { severity: 'high', kind: 'secret' }, page: 1, size: DEFAULT_PAGE_SIZE });
    expect(withFilter(q, 'severity', '')).toEqual({ filters: {}, page: 1, size: DEFAULT_PAGE_SIZE });
  });
});
