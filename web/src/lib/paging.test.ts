import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastPage, pageInfo, slicePage } from './paging.js';

describe('pageInfo', () => {
  it('with a total', () => {
    expect(pageInfo(1, 10, 10, 23)).toEqual({ first: 1, last: 10, total: 23, pages: 3, hasPrev: false, hasNext: true });
    expect(pageInfo(3, 10, 3, 23)).toEqual({ first: 21, last: 23, total: 23, pages: 3, hasPrev: true, hasNext: false });
    expect(pageInfo(1, 10, 0, 0)).toEqual({ first: 0, last: 0, total: 0, pages: 1, hasPrev: false, hasNext: false });
    expect(pageInfo(2, 10, 10, 20).hasNext).toBe(false);
  });
  it('without a total, a full page may have a successor', () => {
    expect(pageInfo(2, 10, 10)).toMatchObject({ first: 11, last: 20, total: null, pages: null, hasNext: true });
    expect(pageInfo(2, 10, 4, undefined)).toMatchObject({ hasNext: false, hasPrev: true });
    expect(pageInfo(1, 10, 4, Number.NaN)).toMatchObject({ total: null, hasNext: false });
  });
  it('paging through a list with slicePage visits every row once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 120 }), fc.integer({ min: 1, max: 30 }), (items, size) => {
        const seen: number[] = [];
        for (let p = 1; p <= lastPage(items.length, size); p++) {
          const rows = slicePage(items, p, size);
          const info = pageInfo(p, size, rows.length, items.length);
          if (rows.length && (info.first !== (p - 1) * size + 1 || info.last !== (p - 1) * size + rows.length)) return false;
          if (info.hasNext !== p < lastPage(items.length, size)) return false;
          seen.push(...rows);
        }
        return seen.length === items.length && seen.every((v, i) => v === items[i]);
      }),
      { numRuns: 200 },
    );
  });
});
