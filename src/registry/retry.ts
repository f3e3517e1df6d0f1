/**
 * When and how long to wait before trying a registry request again. Pure
 * functions, so the policy is tested without a misbehaving server: 429 and
 * 502/503/504 and transient network errors are retried with exponential
 * backoff and jitter, a `Retry-After` header wins over the computed delay,
 * and everything is bounded (attempts and the longest wait we accept).
 */

export interface RetryPolicy {
  /** Total attempts, the first included (default 4). */
  maxAttempts: number;
  /** Delay before the second attempt, doubled after each failure (default 500 ms). */
  baseDelayMs: number;
  /** Largest computed delay (default 8 s). */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for; the error says when to come back (default 60 s). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export function retryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...overrides };
  return {
    maxAttempts: Math.max(1, Math.min(10, Math.floor(p.maxAttempts))),
    baseDelayMs: Math.max(0, p.baseDelayMs),
    maxDelayMs: Math.max(0, p.maxDelayMs),
    maxRetryAfterMs: Math.max(0, p.maxRetryAfterMs),
  };
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Network error codes worth another attempt (not TLS or DNS failures, which will not heal in seconds). */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'TIMEOUT']);

export function isTransientNetworkCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

/**
 * `Retry-After` as milliseconds from `now`: either delta-seconds or an HTTP
 * date. Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // An HTTP date names a weekday and a GMT time; Date.parse alone accepts far too much.
  if (!/^[A-Za-z]{3},? /.test(text) && !/GMT$/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: 'attempts' | 'retry-after-too-long' };

/**
 * Should attempt number `attempt` (1-based, the one that just failed) be
 * followed by another, and after how long? `random` is injectable for tests.
 */
export function nextRetry(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts' };
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
    // Honour the server, plus a little jitter so many clients do not return in the same instant.
    return { retry: true, delayMs: Math.round(retryAfterMs + random() * Math.min(1000, policy.baseDelayMs)) };
  }
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": between half and all of the exponential delay.
  return { retry: true, delayMs: Math.round(exponential / 2 + random() * (exponential / 2)) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
