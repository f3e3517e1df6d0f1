/**
 * Dedup and rate limiting in front of the sinks. Dedup drops an alert when
 * the same rule fired with the same key fields within the window; the rate
 * limiter is a token bucket. Both count what they hold back, and the count
 * of duplicates is carried on the next alert that gets through (so nothing
 * disappears without a trace).
 */
import type { Alert } from './types.js';

export interface DedupOptions {
  /** Window in ms during which a repeat is dropped. */
  windowMs: number;
  /** outputFields making up the key with the rule name; default: the whole output text. */
  keyFields?: string[];
  /** Keys remembered at most (oldest forgotten first), default 10000. */
  maxKeys?: number;
}

export class DedupFilter {
  private readonly seen = new Map<string, { until: number; suppressed: number }>();
  suppressed = 0;
  constructor(private readonly o: DedupOptions) {}

  key(a: Alert): string {
    const parts = this.o.keyFields ? this.o.keyFields.map((f) => JSON.stringify(a.outputFields[f] ?? null)) : [a.output];
    return `${a.rule}\u0000${parts.join('\u0000')}`;
  }

  /** True when the alert should go out; the number of repeats dropped before it is returned in `repeats`. */
  accept(a: Alert, nowMs: number): { ok: boolean; repeats: number } {
    const k = this.key(a);
    const hit = this.seen.get(k);
    if (hit && nowMs < hit.until) {
      hit.suppressed++;
      this.suppressed++;
      return { ok: false, repeats: 0 };
    }
    const repeats = hit?.suppressed ?? 0;
    this.seen.delete(k);
    this.seen.set(k, { until: nowMs + this.o.windowMs, suppressed: 0 });
    const max = this.o.maxKeys ?? 10000;
    while (this.seen.size > max) this.seen.delete(this.seen.keys().next().value as string);
    return { ok: true, repeats };
  }
}

export interface RateLimitOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size (largest burst). */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number | undefined;
  limited = 0;
  constructor(private readonly o: RateLimitOptions) {
    this.tokens = o.burst;
  }

  take(nowMs: number): boolean {
    if (this.last !== undefined && nowMs > this.last) this.tokens = Math.min(this.o.burst, this.tokens + ((nowMs - this.last) / 1000) * this.o.ratePerSecond);
    this.last = this.last === undefined ? nowMs : Math.max(this.last, nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.limited++;
    return false;
  }
}
