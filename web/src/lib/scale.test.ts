import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { areaPath, arcPoint, countTicks, gaugeArc, linePath, linearScale, niceStep } from './scale.js';

describe('linearScale', () => {
  it('maps domain ends onto range ends, inverted ranges included', () => {
    const s = linearScale([0, 10], [100, 0]);
    expect(s(0)).toBe(100);
    expect(s(10)).toBe(0);
    expect(s(5)).toBe(50);
  });
  it('puts everything in the middle for a degenerate domain', () => {
    expect(linearScale([3, 3], [0, 200])(3)).toBe(100);
    expect(linearScale([0, Number.NaN], [0, 200])(7)).toBe(100);
  });
  it('is monotonic', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 }), fc.integer(), fc.integer(), (d0, w, a, b) => {
        const s = linearScale([d0, d0 + w], [0, 300]);
        return a <= b ? s(a) <= s(b) : s(a) >= s(b);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ticks', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(100, 4)).toBe(50);
    expect(niceStep(7, 4)).toBe(2);
    expect(niceStep(0, 4)).toBe(1);
  });
  it('covers the maximum with integer ticks starting at 0', () => {
    expect(countTicks(0)).toEqual([0, 1]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (max) => {
        const t = countTicks(max);
        return t[0] === 0 && t[t.length - 1]! >= max && t.every(Number.isInteger) && t.length <= 12;
      }),
      { numRuns: 200 },
    );
  });
});

describe('paths', () => {
  it('draws lines and closed areas', () => {
    expect(linePath([[0, 0], [10.04, 5.55]])).toBe('M0 0 L10 5.6');
    expect(areaPath([[0, 1], [2, 3]], [[0, 9], [2, 9]])).toBe('M0 1 L2 3 L2 9 L0 9 Z');
    expect(areaPath([], [])).toBe('');
  });
  it('draws gauge arcs on the upper half circle', () => {
    const [x, y] = arcPoint(50, 50, 40, 90);
    expect(x).toBeCloseTo(50);
    expect(y).toBeCloseTo(10);
    expect(gaugeArc(50, 50, 40, 1)).toBe('M10 50 A40 40 0 0 1 90 50');
    expect(gaugeArc(50, 50, 40, 2)).toBe(gaugeArc(50, 50, 40, 1));
    expect(gaugeArc(50, 50, 40, Number.NaN)).toBe('M10 50 A40 40 0 0 1 10 50');
  });
});
