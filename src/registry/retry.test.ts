import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, isTransientNetworkCode, nextRetry, parseRetryAfter, retryPolicy } from './retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('  7 ', now)).toBe(7000);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores what is neither', () => {
    for (const v of [undefined, '', '-5', '1.5', 'soon', '12abc', '2026-01-01T00:00:00Z']) expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('nextRetry', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4, maxRetryAfterMs: 5000 });

  it('stops after the last attempt', () => {
    expect(nextRetry(4, undefined, policy, () => 0.5)).toEqual({ retry: false, reason: 'attempts' });
    expect(nextRetry(3, undefined, policy, () => 0.5).retry).toBe(true);
  });

  it('backs off exponentially with jitter between half and all of the delay', () => {
    const low = [1, 2, 3].map((a) => nextRetry(a, undefined, policy, () => 0));
    const high = [1, 2, 3].map((a) => nextRetry(a, undefined, policy, () => 0.999999));
    expect(low.map((d) => (d.retry ? d.delayMs : -1))).toEqual([50, 100, 200]);
    expect(high.map((d) => (d.retry ? d.delayMs : -1))).toEqual([100, 200, 400]);
  });

  it('caps the computed delay', () => {
    const p = retryPolicy({ baseDelayMs: 100, maxDelayMs: 300, maxAttempts: 10 });
    const d = nextRetry(8, undefined, p, () => 0.999999);
    expect(d).toEqual({ retry: true, delayMs: 300 });
  });

  it('honours Retry-After over the computed delay', () => {
    const d = nextRetry(1, 3000, policy, () => 0);
    expect(d).toEqual({ retry: true, delayMs: 3000 });
    const j = nextRetry(1, 3000, policy, () => 0.5);
    expect(j.retry && j.delayMs).toBeGreaterThanOrEqual(3000);
    expect(j.retry && j.delayMs).toBeLessThanOrEqual(3100);
  });

  it('does not wait for a Retry-After beyond the bound', () => {
    expect(nextRetry(1, 60_000, policy, () => 0)).toEqual({ retry: false, reason: 'retry-after-too-long' });
  });

  it('clamps silly policies', () => {
    expect(retryPolicy({ maxAttempts: 0 }).maxAttempts).toBe(1);
    expect(retryPolicy({ maxAttempts: 1000 }).maxAttempts).toBe(10);
    expect(retryPolicy(undefined)).toEqual(DEFAULT_RETRY_POLICY);
  });

  it('retries only transient network failures', () => {
    expect(isTransientNetworkCode('ECONNRESET')).toBe(true);
    expect(isTransientNetworkCode('ENOTFOUND')).toBe(false);
    expect(isTransientNetworkCode('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(false);
    expect(isTransientNetworkCode(undefined)).toBe(false);
  });
});
