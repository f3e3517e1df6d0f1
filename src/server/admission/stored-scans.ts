/**
 * Stored scan results from a Bulkhead server (`bulkhead server`): the image's
 * digest → GET /api/v1/images/{digest} (its last scan's vulnerabilities) →
 * GET /api/v1/scans/{lastScanId} (did that scan match vulnerabilities at
 * all?). Not stored is an answer (`none`); unreachable, refused, 5xx or an
 * answer we cannot read is an error, so failurePolicy decides — never
 * "no vulnerabilities".
 */
import { z } from 'zod';
import { BulkheadError } from '../../core/errors.js';
import { SEVERITIES, type Finding } from '../../core/types.js';
import { vulnerabilitiesMatched } from '../../pipeline/scan.js';
import type { ScanServerConfig } from './config.js';
import type { LookupContext, ScanLookup, StoredScan } from './gates.js';

/** The largest answer read (an image with every package and finding of its last scan). */
export const MAX_SERVER_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_CACHED = 500;

const findingSchema = z
  .object({
    kind: z.string(),
    id: z.string().min(1).max(500),
    severity: z.enum(SEVERITIES),
    status: z.string().max(100).optional(),
    fixedVersion: z.string().max(1000).nullish(),
    suppressedBy: z.unknown().optional(),
    package: z.object({ name: z.string().max(1000), version: z.string().max(1000).optional() }).loose().optional(),
  })
  .loose();

const imageSchema = z
  .object({
    digest: z.string(),
    lastScanId: z.string().min(1).max(200).nullish(),
    lastScannedAt: z.string().nullish(),
    vulnerabilities: z.array(findingSchema).max(1_000_000),
  })
  .loose();

const scanSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    result: z
      .object({
        scanners: z.array(z.string()).max(100),
        notices: z.array(z.object({ level: z.string(), message: z.string() }).loose()).max(1_000_000),
      })
      .loose()
      .nullish(),
  })
  .loose();

export interface ServerLookupOptions {
  /** Replaces the global fetch (tests). */
  fetchImpl?: typeof fetch;
  /** Clock for the cache (tests). */
  now?: () => number;
}

type Answer = { status: number; json: unknown; where: string };

/** A ScanLookup backed by a Bulkhead server's API. */
export function serverScanLookup(server: ScanServerConfig, options: ServerLookupOptions = {}): ScanLookup {
  const base = new URL(server.url);
  const origin = base.origin;
  const doFetch = options.fetchImpl ?? fetch;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; scan: StoredScan }>();

  async function get(path: string, signal: AbortSignal): Promise<Answer> {
    const url = new URL(path, base);
    const where = url.toString();
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { accept: 'application/json', ...(server.token ? { authorization: `Bearer ${server.token}` } : {}) },
        // Never follow a redirect with the token.
        redirect: 'manual',
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw new BulkheadError('SERVER_UNAVAILABLE', 'the Bulkhead server did not answer before the deadline', { where, hint: 'check the server load, or raise deadlineMs' });
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new BulkheadError('SERVER_UNAVAILABLE', `cannot reach the Bulkhead server: ${cause?.code ?? cause?.message ?? (e as Error).message}`, {
        where,
        hint: 'check server.url and that `bulkhead server` is running (for a private CA set NODE_EXTRA_CA_CERTS)',
        cause: e,
      });
    }
    const text = await boundedText(res, where);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status === 401 || res.status === 403) {
      throw new BulkheadError('SERVER_AUTH', `the Bulkhead server refused the request (${res.status})`, {
        where,
        hint: server.token ? `the token from ${server.tokenSource ?? 'the configuration'} is not accepted: give a current API token (viewer role)` : 'set server.tokenFile or BULKHEAD_SERVER_TOKEN to an API token (viewer role)',
      });
    }
    if (res.status === 404 && json && typeof json === 'object') return { status: 404, json, where };
    if (res.status < 200 || res.status >= 300) {
      throw new BulkheadError('SERVER_UNAVAILABLE', `the Bulkhead server answered ${res.status}`, { where, hint: res.status >= 500 ? 'see the server log' : 'is server.url a Bulkhead server?' });
    }
    if (json === undefined) throw new BulkheadError('SERVER_UNAVAILABLE', 'the Bulkhead server answered with something that is not JSON', { where, hint: 'is server.url a Bulkhead server?' });
    return { status: res.status, json, where };
  }

  function read<T>(schema: z.ZodType<T>, answer: Answer, what: string): T {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new BulkheadError('SERVER_UNAVAILABLE', `the Bulkhead server's ${what} cannot be read: ${issue.path.join('.') || '(top)'}: ${issue.message}`, {
      where: answer.where,
      hint: 'is server.url a Bulkhead server of a matching version?',
    });
  }

  async function lookup(digest: string, signal: AbortSignal): Promise<StoredScan> {
    const imageAnswer = await get(`api/v1/images/${encodeURIComponent(digest)}`, signal);
    if (imageAnswer.status === 404) return { none: `the Bulkhead server at ${origin} has no scan of ${digest}` };
    const image = read(imageSchema, imageAnswer, 'image');
    if (!image.lastScanId) return { none: `the Bulkhead server at ${origin} knows ${digest} but holds no finished scan of it` };
    const scanAnswer = await get(`api/v1/scans/${encodeURIComponent(image.lastScanId)}`, signal);
    if (scanAnswer.status === 404) return { none: `the Bulkhead server at ${origin} lost scan ${image.lastScanId} of ${digest}` };
    const scan = read(scanSchema, scanAnswer, 'scan');
    if (scan.status !== 'done' || !scan.result) return { none: `the last scan ${image.lastScanId} of ${digest} is ${scan.status}` };
    if (!vulnerabilitiesMatched({ scanners: scan.result.scanners, notices: scan.result.notices.map((n) => ({ level: 'warning', message: n.message })) })) {
      return { none: `the last scan ${image.lastScanId} of ${digest} did not match vulnerabilities (the server had no vulnerability database)` };
    }
    return { findings: image.vulnerabilities.filter((f) => f.kind === 'vulnerability') as unknown as Finding[] };
  }

  return {
    async latestFor(imageRef: string, ctx: LookupContext): Promise<StoredScan> {
      const resolved = await ctx.resolve(imageRef);
      if ('none' in resolved) return { none: resolved.none };
      const key = resolved.digest;
      const hit = cache.get(key);
      if (hit && now() - hit.at < server.cacheSeconds * 1000) return hit.scan;
      const scan = await lookup(key, ctx.signal);
      // Only stored results are reused: an image not scanned yet may be scanned any moment.
      if (server.cacheSeconds > 0 && scan && 'findings' in scan) {
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
        cache.set(key, { at: now(), scan });
      }
      return scan;
    },
  };
}

async function boundedText(res: Response, where: string): Promise<string> {
  if (!res.body) return '';
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_SERVER_RESPONSE_BYTES) {
    await res.body.cancel();
    throw tooLarge(where);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > MAX_SERVER_RESPONSE_BYTES) {
        await reader.cancel();
        throw tooLarge(where);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(where: string): BulkheadError {
  return new BulkheadError('SERVER_UNAVAILABLE', `the Bulkhead server's answer is larger than ${MAX_SERVER_RESPONSE_BYTES} bytes`, { where, hint: 'is server.url a Bulkhead server?' });
}
