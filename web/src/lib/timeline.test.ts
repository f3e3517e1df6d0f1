import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertWindow, bucketAlerts, priorityKey } from './timeline.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('bucketAlerts', () => {
  it('counts alerts per bucket and priority', () => {
    const alerts = [
      { time: iso(T0), priority: 'Critical' },
      { time: iso(T0 + 10 * 60_000), priority: 'Warning' },
      { time: iso(T0 + 59 * 60_000), priority: 'Critical' },
      { time: iso(T0 + 60 * 60_000), priority: 'weird' },
    ];
    const { buckets, dropped } = bucketAlerts(alerts, T0, T0 + 60 * 60_000, 4);
    expect(dropped).toBe(0);
    expect(buckets.map((b) => b.total)).toEqual([2, 0, 0, 2]);
    expect(buckets[0]!.counts).toEqual({ critical: 1, warning: 1 });
    expect(buckets[3]!.counts).toEqual({ critical: 1, other: 1 });
  });
  it('drops what it cannot place, and says so', () => {
    const { buckets, dropped } = bucketAlerts([{ time: 'not a time', priority: 'error' }, { time: iso(T0 - 1), priority: 'error' }], T0, T0 + 1000, 3);
    expect(dropped).toBe(2);
    expect(buckets.every((b) => b.total === 0)).toBe(true);
  });
  it('never loses an alert inside the window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 86_400_000 }), { maxLength: 50 }), fc.integer({ min: 1, max: 48 }), (offsets, n) => {
        const { buckets, dropped } = bucketAlerts(offsets.map((o) => ({ time: iso(T0 + o), priority: 'notice' })), T0, T0 + 86_400_000, n);
        return dropped === 0 && buckets.reduce((s, b) => s + b.total, 0) === offsets.length && buckets.length === n;
      }),
      { numRuns: 100 },
    );
  });
});

describe('priorities and window', () => {
  it('normalises Falco priority spellings', () => {
    expect(priorityKey('INFO')).toBe('informational');
    expect(priorityKey('Warning')).toBe('warning');
    expect(priorityKey('nope')).toBe('other');
  });
  it('spans the alerts, at least one hour', () => {
    expect(alertWindow([], T0)).toEqual({ from: T0 - 86_400_000, to: T0 });
    expect(alertWindow([{ time: iso(T0) }], T0)).toEqual({ from: T0, to: T0 + 3_600_000 });
    expect(alertWindow([{ time: iso(T0) }, { time: iso(T0 + 7_200_000) }], T0)).toEqual({ from: T0, to: T0 + 7_200_000 });
  });
});
