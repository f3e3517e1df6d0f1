/**
 * HTTP for database downloads: Node's fetch with a timeout that restarts on
 * every chunk received, bounded retries with backoff on network errors, 429
 * and 5xx (honouring Retry-After up to a cap), and a size cap on every body.
 * Every failure is a BulkheadError naming the URL.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { BulkheadError } from '../../core/errors.js';

export interface HttpOptions {
  fetch?: typeof fetch;
  /** No response or no data for this long aborts the attempt. Default 60 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  retries?: number;
  /** First backoff delay; doubles per retry. Default 1 s. */
  backoffMs?: number;
  /** Longest wait for one retry, also the cap on Retry-After. Default 60 s. */
  maxDelayMs?: number;
  log?: (message: string) => void;
}

type Opened = { response: Response; idle: IdleTimer } | 'missing';

const RETRY_HINT = 'check the network connection or --db-repository; the current database was left unchanged';

export class HttpClient {
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxDelayMs: number;
  private readonly log?: (message: string) => void;
  /** Number of requests sent (attempts included); for reporting and tests. */
  requests = 0;

  constructor(options: HttpOptions = {}) {
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = Math.max(0, Math.min(options.retries ?? 4, 10));
    this.backoffMs = options.backoffMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.log = options.log;
  }

  /** The whole body as bytes, at most `maxBytes`. 404 gives `undefined` when `allowMissing`. */
  async getBytes(url: string, maxBytes: number, allowMissing = false): Promise<Buffer | undefined> {
    return this.request(url, allowMissing, async (response, idle) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of bodyChunks(response, idle)) {
        total += chunk.length;
        if (total > maxBytes) throw tooLarge(url, maxBytes);
        chunks.push(Buffer.from(chunk));
      }
      checkLength(response, total, url);
      return Buffer.concat(chunks, total);
    });
  }

  /** Stream the body into `file` (created or truncated), at most `maxBytes`. Returns the size. */
  async download(url: string, file: string, maxBytes: number): Promise<number> {
    const size = await this.request(url, false, async (response, idle) => {
      const fd = openSync(file, 'w');
      try {
        let total = 0;
        for await (const chunk of bodyChunks(response, idle)) {
          total += chunk.length;
          if (total > maxBytes) throw tooLarge(url, maxBytes);
          let done = 0;
          while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
        }
        checkLength(response, total, url);
        return total;
      } finally {
        closeSync(fd);
      }
    });
    return size ?? 0;
  }

  /**
   * The body's lines, read as they arrive; the consumer may stop early and the
   * rest is not downloaded. Only opening the connection is retried.
   */
  async *lines(url: string, maxBytes: number): AsyncGenerator<string> {
    let opened: Opened | undefined;
    for (let attempt = 0; !opened; attempt++) {
      const result = await this.open(url, false, attempt);
      if (result !== 'retry') opened = result;
    }
    if (opened === 'missing') return;
    const { response, idle } = opened;
    const decoder = new TextDecoder('utf-8');
    let pending = '';
    let total = 0;
    const body = bodyChunks(response, idle);
    try {
      for await (const chunk of body) {
        total += chunk.length;
        if (total > maxBytes) throw tooLarge(url, maxBytes);
        pending += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).replace(/\r$/, '');
          pending = pending.slice(nl + 1);
          yield line;
        }
        if (pending.length > 64 * 1024) throw new BulkheadError('IO', 'line too long in a listing', { where: url, hint: RETRY_HINT });
      }
      pending += decoder.decode();
      if (pending.trim()) yield pending.replace(/\r$/, '');
    } catch (e) {
      throw asHttpError(e, url);
    } finally {
      idle.done();
      await body.return(undefined).catch(() => undefined);
      await response.body?.cancel().catch(() => undefined);
    }
  }

  /** Open and consume with retries; a connection lost mid-body is retried too. */
  private async request<T>(
    url: string,
    allowMissing: boolean,
    consume: (response: Response, idle: IdleTimer) => Promise<T>,
  ): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      const opened = await this.open(url, allowMissing, attempt);
      if (opened === 'retry') continue;
      if (opened === 'missing') return undefined;
      const { response, idle } = opened;
      try {
        return await consume(response, idle);
      } catch (e) {
        await response.body?.cancel().catch(() => undefined);
        if (e instanceof BulkheadError) throw e;
        if (attempt < this.retries) {
          await this.pause(attempt, undefined, url, describeFailure(e));
          continue;
        }
        throw asHttpError(e, url);
      } finally {
        idle.done();
      }
    }
  }

  /** One attempt: a usable response, 'missing' (404 allowed), 'retry' (after the pause), or a thrown error. */
  private async open(url: string, allowMissing: boolean, attempt: number): Promise<Opened | 'retry'> {
    const idle = new IdleTimer(this.timeoutMs);
    let response: Response;
    try {
      this.requests++;
      response = await this.fetchFn(url, { signal: idle.signal, redirect: 'follow' });
    } catch (e) {
      idle.done();
      if (attempt < this.retries) {
        await this.pause(attempt, undefined, url, describeFailure(e));
        return 'retry';
      }
      throw new BulkheadError('IO', `cannot download: ${describeFailure(e)}`, { where: url, hint: RETRY_HINT, cause: e });
    }
    if (response.ok) return { response, idle };
    idle.done();
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 404 && allowMissing) return 'missing';
    const retryable = response.status === 429 || response.status >= 500;
    if (retryable && attempt < this.retries) {
      await this.pause(attempt, response.headers.get('retry-after'), url, `HTTP ${response.status}`);
      return 'retry';
    }
    throw new BulkheadError('IO', `download failed with HTTP ${response.status}`, {
      where: url,
      hint:
        response.status === 404
          ? 'the repository has no such file: check --db-repository and the ecosystem names'
          : RETRY_HINT,
    });
  }

  private async pause(attempt: number, retryAfter: string | null | undefined, url: string, why: string): Promise<void> {
    const fromHeader = parseRetryAfter(retryAfter);
    const backoff = this.backoffMs * 2 ** attempt * (1 + Math.random() * 0.2);
    const delay = Math.min(fromHeader ?? backoff, this.maxDelayMs);
    this.log?.(`${why} from ${url}; retrying in ${Math.round(delay / 100) / 10} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Aborts a request when no data came for `ms`; each chunk restarts the clock. */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new Error(`no data for ${this.ms} ms`)), this.ms);
    this.timer.unref?.();
  }

  done(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

async function* bodyChunks(response: Response, idle: IdleTimer): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      idle.touch();
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function checkLength(response: Response, received: number, url: string): void {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && !response.headers.get('content-encoding')) {
    if (Number(declared) !== received) {
      throw new BulkheadError('IO', `download truncated: ${received} of ${declared} bytes`, { where: url, hint: RETRY_HINT });
    }
  }
}

function tooLarge(url: string, maxBytes: number): BulkheadError {
  return new BulkheadError('IO', `download larger than the limit of ${maxBytes} bytes`, {
    where: url,
    hint: 'the repository serves unexpected data: check --db-repository',
  });
}

function asHttpError(e: unknown, url: string): BulkheadError {
  if (e instanceof BulkheadError) return e;
  return new BulkheadError('IO', `download failed: ${describeFailure(e)}`, { where: url, hint: RETRY_HINT, cause: e });
}

function describeFailure(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${e.message}${detail}`;
  }
  return String(e);
}
