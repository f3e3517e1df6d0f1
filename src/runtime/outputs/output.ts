/**
 * An alert output: dedup, then rate limit, then every sink. What dedup and
 * the rate limiter hold back is counted in `stats()`; a duplicate count is
 * also written on the next alert of the same key (`repeats`).
 */
import { DedupFilter, TokenBucket, type DedupOptions, type RateLimitOptions } from './throttle.js';
import type { Alert, AlertSink, SinkStats } from './types.js';

export interface AlertOutputOptions {
  sinks: AlertSink[];
  dedup?: DedupOptions;
  rateLimit?: RateLimitOptions;
  /** Clock in ms (tests); default Date.now. */
  now?: () => number;
}

export interface AlertOutputStats {
  received: number;
  duplicates: number;
  rateLimited: number;
  sent: number;
  sinks: Record<string, SinkStats>;
}

export class AlertOutput {
  private readonly dedup?: DedupFilter;
  private readonly bucket?: TokenBucket;
  private readonly now: () => number;
  private received = 0;
  private sent = 0;

  constructor(private readonly o: AlertOutputOptions) {
    if (o.dedup) this.dedup = new DedupFilter(o.dedup);
    if (o.rateLimit) this.bucket = new TokenBucket(o.rateLimit);
    this.now = o.now ?? Date.now;
  }

  /** Send one alert through; resolves when every sink has taken it. */
  async emit(alert: Alert): Promise<boolean> {
    this.received++;
    const t = this.now();
    let out = alert;
    if (this.dedup) {
      const d = this.dedup.accept(alert, t);
      if (!d.ok) return false;
      if (d.repeats > 0) out = { ...alert, repeats: d.repeats };
    }
    if (this.bucket && !this.bucket.take(t)) return false;
    this.sent++;
    await Promise.all(this.o.sinks.map((s) => s.write(out)));
    return true;
  }

  async close(): Promise<void> {
    await Promise.all(this.o.sinks.map((s) => s.close()));
  }

  stats(): AlertOutputStats {
    return {
      received: this.received,
      duplicates: this.dedup?.suppressed ?? 0,
      rateLimited: this.bucket?.limited ?? 0,
      sent: this.sent,
      sinks: Object.fromEntries(this.o.sinks.map((s) => [s.name, s.stats()])),
    };
  }
}
