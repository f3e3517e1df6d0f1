/**
 * One request with the retry policy applied: transient network errors and
 * 429/502/503/504 answers are tried again (honouring Retry-After) up to the
 * bound; what remains is returned (an HTTP answer) or thrown (a typed
 * network error). Bodies are Buffers, so a retried request resends exactly
 * the same bytes.
 */
import { classifyNetworkError, networkError, safeUrl } from './errors.js';
import { nextRetry, parseRetryAfter, RETRYABLE_STATUSES, sleep, type RetryPolicy } from './retry.js';
import { drain, header, type HttpRequest, type HttpResponse, type HttpTransport } from './transport.js';

export interface ExchangeContext {
  policy: RetryPolicy;
  /** `host:port` for messages. */
  host: string;
  what: string;
  /** False for requests that must not be repeated (PATCH of an upload chunk). */
  retry: boolean;
  log?: (message: string) => void;
}

export async function exchange(transport: HttpTransport, req: HttpRequest, ctx: ExchangeContext): Promise<HttpResponse> {
  for (let attempt = 1; ; attempt++) {
    let res: HttpResponse;
    try {
      res = await transport.send(req);
    } catch (e) {
      const { kind, code } = classifyNetworkError(e);
      const decision = ctx.retry && kind === 'transient' ? nextRetry(attempt, undefined, ctx.policy) : undefined;
      if (decision?.retry) {
        ctx.log?.(`${req.method} ${safeUrl(req.url)}: ${code ?? 'network error'}, retry ${attempt} in ${decision.delayMs} ms`);
        await sleep(decision.delayMs);
        continue;
      }
      throw networkError(e, req.url, ctx.host, ctx.what);
    }
    if (!ctx.retry || !RETRYABLE_STATUSES.has(res.status)) return res;
    const retryAfter = parseRetryAfter(header(res, 'retry-after'));
    const decision = nextRetry(attempt, retryAfter, ctx.policy);
    if (!decision.retry) return res;
    ctx.log?.(`${req.method} ${safeUrl(req.url)}: HTTP ${res.status}, retry ${attempt} in ${decision.delayMs} ms`);
    drain(res);
    await sleep(decision.delayMs);
  }
}
