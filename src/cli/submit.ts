/**
 * `--server URL`: the scan runs on a Bulkhead server (which pulls the image
 * itself, with its own vulnerability DB and registry credentials), the result
 * is stored there, and this client waits for it and reports it exactly like
 * a local scan (same filters, formats and --fail-on). The API token comes from
 * BULKHEAD_SERVER_TOKEN, never from the command line.
 */
import { BulkheadError } from '../core/errors.js';
import type { ScanResult } from '../core/types.js';
import { callServer, notFromBulkhead } from '../server/client.js';

export interface SubmitRequest {
  server: string;
  token: string | undefined;
  kind: 'image' | 'sbom';
  target: string;
  content?: string;
  /** Give up waiting after this long (0: no limit; the scan keeps running on the server). */
  timeoutMs: number;
  /** Progress lines (queued, running). */
  log?: (line: string) => void;
  fetchImpl?: typeof fetch;
  pollMs?: number;
}

/** The largest response read from the server (a stored ScanResult with every finding). */
const MAX_RESPONSE = 256 * 1024 * 1024;

export function serverBase(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BulkheadError('USAGE', `--server ${url} is not a URL`, { where: '--server', hint: 'e.g. --server https://bulkhead.example:8080' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BulkheadError('USAGE', `--server ${url} must be http:// or https://`, { where: '--server' });
  if (u.username || u.password) throw new BulkheadError('USAGE', '--server must not carry credentials', { where: '--server', hint: 'put the API token in BULKHEAD_SERVER_TOKEN' });
  return u;
}

async function call(req: SubmitRequest, method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<unknown> {
  const answer = await callServer({
    url: new URL(pathname, serverBase(req.server)),
    token: req.token,
    method,
    body,
    maxBytes: MAX_RESPONSE,
    ...(req.fetchImpl ? { fetchImpl: req.fetchImpl } : {}),
    authHint: (status) => (status === 401 ? 'set BULKHEAD_SERVER_TOKEN to an API token' : 'the token needs the scanner role to submit scans'),
    setting: '--server',
  });
  const { status, json, where } = answer;
  const message = (json as { message?: string } | undefined)?.message;
  if (status >= 400 && status < 500) {
    const hint = (json as { hint?: string } | undefined)?.hint;
    throw new BulkheadError('USAGE', `the server rejected the request (${status}${message ? `: ${message}` : ''})`, { where, ...(hint ? { hint } : {}) });
  }
  if (status >= 500) throw new BulkheadError('SERVER_UNAVAILABLE', `the server failed (${status}${message ? `: ${message}` : ''})`, { where, hint: 'see the server log' });
  if (status >= 300) throw new BulkheadError('SERVER_UNAVAILABLE', `the server answered ${status} (redirects are not followed with a token)`, { where, hint: 'give --server the final URL' });
  if (json === null || typeof json !== 'object') throw notFromBulkhead(answer, '--server');
  return json;
}

interface ScanRow {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  error: string | null;
  result?: ScanResult | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Submits one scan and waits for its stored result. */
export async function submitScan(req: SubmitRequest): Promise<ScanResult> {
  const created = (await call(req, 'POST', '/api/v1/scans', { target: req.target, kind: req.kind, ...(req.content !== undefined ? { content: req.content } : {}) })) as { id?: unknown };
  if (typeof created.id !== 'string') throw new BulkheadError('SERVER_UNAVAILABLE', 'the server accepted the scan but returned no scan id', { where: req.server });
  const id = created.id;
  req.log?.(`submitted scan ${id} to ${req.server}`);
  const started = Date.now();
  let last = '';
  for (;;) {
    const row = (await call(req, 'GET', `/api/v1/scans/${encodeURIComponent(id)}`)) as ScanRow;
    if (row.status !== last) {
      last = row.status;
      if (row.status === 'queued' || row.status === 'running') req.log?.(`scan ${id} ${row.status}`);
    }
    if (row.status === 'done') {
      if (!row.result || typeof row.result !== 'object' || !Array.isArray(row.result.findings)) {
        throw new BulkheadError('SERVER_UNAVAILABLE', `scan ${id} is done but the server returned no result`, { where: `${req.server} scan ${id}` });
      }
      return row.result;
    }
    if (row.status === 'failed') {
      throw new BulkheadError('SERVER_SCAN_FAILED', `the server's scan of ${req.target} failed: ${row.error ?? 'no reason given'}`, {
        where: `${req.server} scan ${id}`,
        hint: 'the server pulls the image itself: check its registry access (bulkhead server --insecure-registry, watched-registry credentials)',
      });
    }
    if (req.timeoutMs > 0 && Date.now() - started > req.timeoutMs) {
      throw new BulkheadError('SERVER_UNAVAILABLE', `scan ${id} did not finish within ${req.timeoutMs / 1000} s (it is still ${row.status} on the server)`, {
        where: `${req.server} scan ${id}`,
        hint: 'raise --timeout, or fetch the result later from the server',
      });
    }
    await sleep(req.pollMs ?? 500);
  }
}
