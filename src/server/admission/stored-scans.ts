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
import { callServer, notFromBulkhead, type ServerAnswer } from '../client.js';
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

type Answer = ServerAnswer;

/** A ScanLookup backed by a Bulkhead server's API. */
export function serverScanLookup(server: ScanServerConfig, options: ServerLookupOptions = {}): ScanLookup {
  const base = new URL(server.url);
  const origin = base.origin;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; scan: StoredScan }>();

  async function get(path: string, signal: AbortSignal): Promise<Answer> {
    const answer = await callServer({
      url: new URL(path, base),
      token: server.token,
      signal,
      maxBytes: MAX_SERVER_RESPONSE_BYTES,
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      authHint: () =>
        server.token ? `the token from ${server.tokenSource ?? 'the configuration'} is not accepted: give a current API token (viewer role)` : 'set server.tokenFile or BULKHEAD_SERVER_TOKEN to an API token (viewer role)',
      setting: 'server.url',
    });
    const { status, json, where } = answer;
    if (status === 404 && json && typeof json === 'object') return answer;
    if (status < 200 || status >= 300) {
      throw new BulkheadError('SERVER_UNAVAILABLE', `the Bulkhead server answered ${status}`, { where, hint: status >= 500 ? 'see the server log' : 'is server.url a Bulkhead server?' });
    }
    if (json === undefined) throw notFromBulkhead(answer, 'server.url');
    return answer;
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

