/**
 * The server lookup's failure modes against a local HTTP server that answers
 * like (or unlike) a Bulkhead server: each must be an error (failurePolicy
 * decides) or an explicit "none", never an empty list of findings. And the
 * digest resolution for multi-platform indexes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import type { ArtifactStore } from '../../sign/index.js';
import type { LookupContext } from './gates.js';
import { requestResolver, requestScopedStores, scanDigestOf } from './resolve.js';
import { MAX_SERVER_RESPONSE_BYTES, serverScanLookup } from './stored-scans.js';
import { rejection } from '../../../test/helpers/errors.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const ARM = `sha256:${'c'.repeat(64)}`;

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let route: Route = (_req, res) => res.end();
const seen: Array<{ url: string; auth: string | undefined }> = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    route(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bulkhead`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const ctx = (): LookupContext => ({ resolve: async () => ({ digest: DIGEST }), signal: new AbortController().signal });
const vuln = { kind: 'vulnerability', id: 'CVE-2021-44906', severity: 'critical', status: 'fixed', fixedVersion: '1.2.6', package: { name: 'minimist', version: '1.2.0' } };
/** A well-behaved server: the image with one finding, its last scan done with the vuln scanner. */
const healthy: Route = (req, res) => {
  if (req.url === `/bulkhead/api/v1/images/${encodeURIComponent(DIGEST)}`) return json(res, 200, { digest: DIGEST, lastScanId: 's1', vulnerabilities: [vuln] });
  if (req.url === '/bulkhead/api/v1/scans/s1') return json(res, 200, { id: 's1', status: 'done', result: { scanners: ['vuln'], notices: [] } });
  return json(res, 404, { error: 'not_found', message: 'no such thing' });
};
const lookup = (extra: { token?: string; cacheSeconds?: number; now?: () => number } = {}) =>
  serverScanLookup({ url: `${base}/`, cacheSeconds: extra.cacheSeconds ?? 0, ...(extra.token ? { token: extra.token, tokenSource: 'test' } : {}) }, extra.now ? { now: extra.now } : {});


describe('serverScanLookup', () => {
  it('reads the findings of the last scan, under the base path, with the token', async () => {
    route = healthy;
    seen.length = 0;
    const r = await lookup({ token: 'tok-1' }).latestFor('x/app:1', ctx());
    expect(r).toEqual({ findings: [vuln] });
    expect(seen.map((s) => s.url)).toEqual([`/bulkhead/api/v1/images/${encodeURIComponent(DIGEST)}`, '/bulkhead/api/v1/scans/s1']);
    expect(seen.every((s) => s.auth === 'Bearer tok-1')).toBe(true);
  });

  it('an image the server does not know is "none", and so is one without a finished scan', async () => {
    route = healthy;
    const none = await lookup().latestFor('x/app:1', { ...ctx(), resolve: async () => ({ digest: OTHER }) });
    expect(none).toEqual({ none: expect.stringContaining(`has no scan of ${OTHER}`) });
    route = (req, res) => (req.url?.includes('/images/') ? json(res, 200, { digest: DIGEST, lastScanId: null, vulnerabilities: [] }) : healthy(req, res));
    expect(await lookup().latestFor('x/app:1', ctx())).toEqual({ none: expect.stringContaining('holds no finished scan') });
    route = (req, res) => (req.url?.includes('/scans/') ? json(res, 200, { id: 's1', status: 'done', result: { scanners: ['vuln'], notices: [{ level: 'warning', message: 'vulnerability matching did not run: no vulnerability database was given' }] } }) : healthy(req, res));
    expect(await lookup().latestFor('x/app:1', ctx())).toEqual({ none: expect.stringContaining('did not match vulnerabilities') });
  });

  it('401, 403, 5xx, redirects, non-JSON and unreadable answers are errors', async () => {
    const cases: Array<[Route, string, string]> = [
      [(_q, res) => json(res, 401, { error: 'unauthorized' }), 'SERVER_AUTH', 'refused the request (401)'],
      [(_q, res) => json(res, 403, { error: 'forbidden' }), 'SERVER_AUTH', 'refused the request (403)'],
      [(_q, res) => json(res, 503, { error: 'unavailable' }), 'SERVER_UNAVAILABLE', 'answered 503'],
      [(_q, res) => res.writeHead(302, { location: 'http://evil.example/' }).end(), 'SERVER_UNAVAILABLE', 'answered 302'],
      [(_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'), 'SERVER_UNAVAILABLE', 'not JSON'],
      [(_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html>'), 'SERVER_UNAVAILABLE', 'answered 404'],
      [(_q, res) => json(res, 200, { digest: DIGEST, lastScanId: 's1', vulnerabilities: [{ ...vuln, severity: 'catastrophic' }] }), 'SERVER_UNAVAILABLE', 'vulnerabilities.0.severity'],
    ];
    for (const [r, code, text] of cases) {
      route = r;
      const e = await rejection(lookup().latestFor('x/app:1', ctx()));
      expect(e.code).toBe(code);
      expect(e.message).toContain(text);
      expect(e.where).toContain('/bulkhead/api/v1/');
    }
  });

  it('an answer larger than the limit is refused', async () => {
    route = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_SERVER_RESPONSE_BYTES + chunk.length) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    };
    const e = await rejection(lookup().latestFor('x/app:1', ctx()));
    expect(e.message).toContain(`larger than ${MAX_SERVER_RESPONSE_BYTES} bytes`);
  });

  it('an unreachable server is SERVER_UNAVAILABLE, and an aborted lookup says the deadline passed', async () => {
    const gone = serverScanLookup({ url: 'http://127.0.0.1:1/', cacheSeconds: 0 });
    expect((await rejection(gone.latestFor('x/app:1', ctx()))).message).toContain('cannot reach the Bulkhead server');
    route = () => undefined; // never answers
    const controller = new AbortController();
    const pending = lookup().latestFor('x/app:1', { ...ctx(), signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).message).toContain('did not answer before the deadline');
  });

  it('reuses a stored result for cacheSeconds, and never caches "none"', async () => {
    route = healthy;
    let t = 0;
    const cached = lookup({ cacheSeconds: 30, now: () => t });
    seen.length = 0;
    await cached.latestFor('x/app:1', ctx());
    t = 29_000;
    await cached.latestFor('x/app:1', ctx());
    expect(seen).toHaveLength(2);
    t = 31_000;
    await cached.latestFor('x/app:1', ctx());
    expect(seen).toHaveLength(4);
    const other = { ...ctx(), resolve: async () => ({ digest: OTHER }) };
    await cached.latestFor('x/b:1', other);
    await cached.latestFor('x/b:1', other);
    expect(seen).toHaveLength(6);
  });

  it('a hostile server answer is always an error or a result, never a crash (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        route = (req, res) => (req.url?.includes('/images/') ? json(res, 200, body) : healthy(req, res));
        const r = await lookup()
          .latestFor('x/app:1', ctx())
          .catch((e: unknown) => e);
        if (r instanceof Error) expect(r).toBeInstanceOf(BulkheadError);
        else expect(r && typeof r === 'object' && ('findings' in r || 'none' in r)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

/** An in-memory repository: manifests by tag or digest. */
function memoryStore(manifests: Record<string, { digest: string; mediaType: string; body: unknown }>, calls: string[] = []): ArtifactStore {
  const no = () => Promise.reject(new Error('not used'));
  return {
    repository: 'registry.example/app',
    getManifest: async (reference) => {
      calls.push(reference);
      const m = manifests[reference];
      return m ? { digest: m.digest, mediaType: m.mediaType, bytes: Buffer.from(JSON.stringify(m.body)) } : undefined;
    },
    putManifest: no,
    getBlob: no,
    putBlob: no,
    referrers: no,
    listTags: no,
  };
}

const INDEX = 'application/vnd.oci.image.index.v1+json';
const index = (entries: unknown[]) => ({ digest: OTHER, mediaType: INDEX, body: { schemaVersion: 2, mediaType: INDEX, manifests: entries } });

describe('scanDigestOf', () => {
  it('a single-platform manifest is its own digest; a missing tag is "none"', async () => {
    const store = memoryStore({ '1.0': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', body: { layers: [] } } });
    expect(await scanDigestOf(store, 'registry.example/app:1.0')).toEqual({ digest: DIGEST });
    expect(await scanDigestOf(store, 'registry.example/app:2.0')).toEqual({ none: 'registry.example/app:2.0 does not exist in the registry' });
    expect(await scanDigestOf(store, 'Not A Reference')).toEqual({ none: expect.stringContaining('is not an image reference') });
  });

  it('an index gives the entry of the platform asked for', async () => {
    const store = memoryStore({
      '1.0': index([
        { digest: ARM, size: 1024, mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { digest: DIGEST, size: 1024, mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: { os: 'linux', architecture: 'amd64' } },
      ]),
    });
    expect(await scanDigestOf(store, 'registry.example/app:1.0')).toEqual({ digest: DIGEST });
    expect(await scanDigestOf(store, 'registry.example/app:1.0', { os: 'linux', architecture: 'arm64' })).toEqual({ digest: ARM });
    expect(await scanDigestOf(store, 'registry.example/app:1.0', { os: 'windows', architecture: 'amd64' })).toEqual({ none: `the image index ${OTHER} has no windows/amd64 image` });
  });

  it('a malformed index is MANIFEST_INVALID (a failure), not "none"', async () => {
    const store = memoryStore({ '1.0': index([{ digest: 'sha256 short', size: 1024, platform: { os: 'linux', architecture: 'amd64' } }]) });
    expect((await rejection(scanDigestOf(store, 'registry.example/app:1.0'))).code).toBe('MANIFEST_INVALID');
  });

  it('within a request, each manifest is fetched once however many gates ask', async () => {
    const calls: string[] = [];
    const store = memoryStore({ '1.0': { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', body: {} } }, calls);
    const stores = requestScopedStores(() => store);
    const resolve = requestResolver(stores, undefined);
    const [a, b] = await Promise.all([resolve('registry.example/app:1.0'), stores('registry.example/app:1.0').getManifest('1.0')]);
    expect(a).toEqual({ digest: DIGEST });
    expect(b?.digest).toBe(DIGEST);
    expect(calls).toEqual(['1.0']);
  });
});
