/**
 * POST each alert as JSON to an HTTP(S) endpoint, in order, one request per
 * alert. Network errors, 429 and 5xx are retried with a growing delay; other
 * answers fail the alert. A bounded queue keeps a slow receiver from eating
 * memory: alerts that do not fit are counted as failed and reported.
 */
import { BulkheadError } from '../../core/errors.js';
import { alertJson } from './text.js';
import type { Alert, AlertSink, ErrorHandler, SinkStats } from './types.js';

export interface WebhookSinkOptions {
  headers?: Record<string, string>;
  /** Per request, default 5000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt, default 2. */
  retries?: number;
  /** First retry delay, doubled each time; default 250 ms. */
  retryDelayMs?: number;
  /** Alerts waiting for delivery at most, default 1000. */
  maxQueue?: number;
  onError?: ErrorHandler;
}

export function webhookSink(url: string, options: WebhookSinkOptions = {}): AlertSink {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new BulkheadError('USAGE', `"${url}" is not a URL`, { where: url, hint: 'give the webhook as http(s)://host[:port]/path' });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new BulkheadError('USAGE', `webhook URL must be http or https, not ${target.protocol}`, { where: url, hint: 'give the webhook as http(s)://host[:port]/path' });
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const delay0 = options.retryDelayMs ?? 250;
  const maxQueue = options.maxQueue ?? 1000;
  const s: SinkStats = { received: 0, written: 0, failed: 0 };
  let pending = 0;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const fail = (err: Error, alert: Alert) => {
    s.failed++;
    options.onError?.(err, alert);
  };

  const deliver = async (alert: Alert): Promise<void> => {
    const body = alertJson(alert);
    let lastErr: Error | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, delay0 * 2 ** (attempt - 1)));
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'bulkhead-runtime', ...(options.headers ?? {}) },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          s.written++;
          return;
        }
        lastErr = new BulkheadError('IO', `webhook answered ${res.status} ${res.statusText}`, { where: target.href, hint: 'check the receiver accepts POSTed JSON' });
        if (res.status !== 429 && res.status < 500) break;
      } catch (err) {
        lastErr = new BulkheadError('IO', `webhook delivery failed: ${(err as Error).message}`, { where: target.href, hint: 'check the receiver is reachable', cause: err });
      }
    }
    fail(lastErr ?? new Error('webhook delivery failed'), alert);
  };

  return {
    name: `webhook:${target.origin}${target.pathname}`,
    write(alert) {
      s.received++;
      if (closed) {
        fail(new Error('webhook sink is closed'), alert);
        return Promise.resolve();
      }
      if (pending >= maxQueue) {
        fail(new BulkheadError('IO', `webhook queue full (${maxQueue} alerts waiting); alert dropped`, { where: target.href, hint: 'the receiver is too slow; raise maxQueue or rate-limit alerts' }), alert);
        return Promise.resolve();
      }
      pending++;
      chain = chain.then(() => deliver(alert)).finally(() => pending--);
      return chain;
    },
    async close() {
      closed = true;
      await chain;
    },
    stats: () => ({ ...s }),
  };
}
