/**
 * One call to a Bulkhead server's API, for its clients (the CLI's `--server`,
 * the admission webhook's stored scans): the token, no redirects (a token is
 * never sent elsewhere), a bound on the answer, and one way to report an
 * unreachable server or a refused token. What a status means is the caller's.
 */
import { BulkheadError } from '../core/errors.js';

export interface ServerCall {
  url: URL;
  token?: string | undefined;
  method?: 'GET' | 'POST';
  body?: unknown;
  signal?: AbortSignal;
  /** The largest answer read. */
  maxBytes: number;
  fetchImpl?: typeof fetch;
  /** What to tell the user when the token is missing (401) or lacks a role (403). */
  authHint: (status: 401 | 403) => string;
  /** How the caller's setting is named in hints (`--server`, `server.url`). */
  setting: string;
}

export interface ServerAnswer {
  status: number;
  /** undefined when the body is empty or not JSON. */
  json: unknown;
  where: string;
}

export async function callServer(c: ServerCall): Promise<ServerAnswer> {
  const where = c.url.toString();
  let res: Response;
  try {
    res = await (c.fetchImpl ?? fetch)(c.url, {
      method: c.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
        ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
      redirect: 'manual',
      ...(c.signal ? { signal: c.signal } : {}),
    });
  } catch (err) {
    if (c.signal?.aborted) throw new BulkheadError('SERVER_UNAVAILABLE', 'the Bulkhead server did not answer before the deadline', { where, hint: 'check the server load, or allow more time' });
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new BulkheadError('SERVER_UNAVAILABLE', `cannot reach the Bulkhead server: ${cause?.code ?? cause?.message ?? (err as Error).message}`, {
      where,
      hint: `check ${c.setting} and that \`bulkhead server\` is running (for a private CA set NODE_EXTRA_CA_CERTS)`,
      cause: err,
    });
  }
  const text = await boundedText(res, where, c);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.status === 401 || res.status === 403) {
    throw new BulkheadError('SERVER_AUTH', `the Bulkhead server refused the request (${res.status})`, { where, hint: c.authHint(res.status) });
  }
  return { status: res.status, json, where };
}

/** The error for an answer that is not the JSON a Bulkhead server sends. */
export function notFromBulkhead(answer: ServerAnswer, setting: string, what = 'something that is not JSON'): BulkheadError {
  return new BulkheadError('SERVER_UNAVAILABLE', `the Bulkhead server answered with ${what}`, { where: answer.where, hint: `is ${setting} a Bulkhead server?` });
}

async function boundedText(res: Response, where: string, c: ServerCall): Promise<string> {
  if (!res.body) return '';
  const tooLarge = () => new BulkheadError('SERVER_UNAVAILABLE', `the Bulkhead server's answer is larger than ${c.maxBytes} bytes`, { where, hint: `is ${c.setting} a Bulkhead server?` });
  if (Number(res.headers.get('content-length') ?? 0) > c.maxBytes) {
    await res.body.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > c.maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks).toString('utf8');
}
