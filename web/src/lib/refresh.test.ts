import { describe, expect, it } from 'vitest';
import { FAST_REFRESH_MS, isScanActive, nextRefreshDelay, REFRESH_MS, updatedAgo } from './refresh.js';

describe('nextRefreshDelay', () => {
  it('waits out the rest of the interval, fast or not', () => {
    expect(nextRefreshDelay(1000, 1000, false)).toBe(REFRESH_MS);
    expect(nextRefreshDelay(4000, 1000, false)).toBe(REFRESH_MS - 3000);
    expect(nextRefreshDelay(1500, 1000, true)).toBe(FAST_REFRESH_MS - 500);
  });
  it('is due at once after a long pause or hidden tab, never negative, never longer than the interval', () => {
    expect(nextRefreshDelay(1_000_000, 1000, false)).toBe(0);
    expect(nextRefreshDelay(0, 1_000_000, false)).toBe(REFRESH_MS);
  });
});

describe('updatedAgo', () => {
  it('reads as a person would say it', () => {
    expect(updatedAgo(5000, null)).toBe('not loaded yet');
    expect(updatedAgo(5000, 4800)).toBe('updated just now');
    expect(updatedAgo(12_000, 5000)).toBe('updated 7s ago');
    expect(updatedAgo(200_000, 5000)).toBe('updated 3m ago');
    expect(updatedAgo(8_000_000, 5000)).toBe('updated 2h ago');
    expect(updatedAgo(0, 5000)).toBe('updated just now');
  });
});

describe('isScanActive', () => {
  it('queued and running still change; done and failed do not', () => {
    expect(['queued', 'running', 'done', 'failed', 'x'].map(isScanActive)).toEqual([true, true, false, false, false]);
  });
});
