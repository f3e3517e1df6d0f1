/**
 * The submitter's queue on its own, with a fetch whose answers the test
 * releases one by one: concurrency, the queue cap and its drop count, the
 * per-digest window, and failures that only reach the log. The real server
 * is exercised in vuln-gate.registry.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCAN_RESULT_SCHEMA_VERSION, type ScanResult } from '../../core/types.js';
import type { ScanServerConfig } from './config.js';
import { createScanSubmitter, submissionTarget, type ScanSubmissionEvent } from './submit.js';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

function resultOf(manifestDigest: string | undefined): ScanResult {
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'bulkhead', version: 'test' },
    createdAt: new Date(0).toISOString(),
    target: { kind: 'image', name: 'x' },
    ...(manifestDigest ? { image: { reference: 'x', manifestDigest, configDigest: digest(0), os: 'linux', architecture: 'amd64', config: {}, history: [] } as unknown as ScanResult['image'] } : {}),
    packages: [],
    findings: [],
    notices: [],
    scanners: ['vuln'],
    stats: { layersRead: 0, layersFromCache: 0, filesAnalyzed: 0, bytesRead: 0, durationMs: 0 },
  };
}

const server: ScanServerConfig = { url: 'http://bulkhead.test/', token: 'tok', tokenSource: 'token-file', cacheSeconds: 30 };

/** A fetch that holds every call until the test answers it. */
function heldFetch() {
  const calls: { body: unknown; auth: string | null; answer: (status: number, body: unknown) => void }[] = [];
  const fetchImpl = ((url: URL, init: RequestInit) => {
    expect(String(url)).toBe('http://bulkhead.test/api/v1/scans');
    expect(init.method).toBe('POST');
    return new Promise<Response>((resolve) => {
      calls.push({
        body: JSON.parse(String(init.body)),
        auth: new Headers(init.headers).get('authorization'),
        answer: (status, body) => resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })),
      });
    });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createScanSubmitter', () => {
  it('runs at most `concurrency` calls, queues up to `maxQueued`, drops (and counts) the rest', async () => {
    const { calls, fetchImpl } = heldFetch();
    const events: ScanSubmissionEvent[] = [];
    const s = createScanSubmitter(server, { concurrency: 2, maxQueued: 3, fetchImpl, log: (e) => events.push(e) });
    for (let i = 1; i <= 7; i++) s.submit(`uid-${i}`, `registry.test/app:${i}`, resultOf(digest(i)));
    await tick();
    expect(calls.map((c) => c.body)).toEqual([{ target: `registry.test/app@${digest(1)}` }, { target: `registry.test/app@${digest(2)}` }]);
    expect(calls[0]!.auth).toBe('Bearer tok');
    // 2 running, 3 queued, 2 dropped.
    expect(s.dropped).toBe(2);
    expect(events.filter((e) => e.outcome === 'dropped').map((e) => [e.uid, e.dropped])).toEqual([
      ['uid-6', 1],
      ['uid-7', 2],
    ]);
    calls[0]!.answer(202, { id: 'scan-1', status: 'queued' });
    await tick();
    await tick();
    expect(calls).toHaveLength(3);
    for (const c of calls.slice(1)) c.answer(202, { id: 'scan-n', status: 'queued' });
    await tick();
    await tick();
    for (const c of calls.slice(3)) c.answer(202, { id: 'scan-n', status: 'queued' });
    await s.idle();
    expect(calls).toHaveLength(5);
    expect(events.filter((e) => e.outcome === 'submitted')).toHaveLength(5);
    expect(events.find((e) => e.uid === 'uid-1')).toMatchObject({ outcome: 'submitted', scanId: 'scan-1', target: `registry.test/app@${digest(1)}` });
  });

  it('submits a digest once per window, again after it', async () => {
    const { calls, fetchImpl } = heldFetch();
    let now = 1_000_000;
    const s = createScanSubmitter(server, { windowMs: 600_000, fetchImpl, now: () => now });
    s.submit('a', 'registry.test/app:1', resultOf(digest(9)));
    s.submit('b', 'registry.test/app@' + digest(9), resultOf(digest(9)));
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.answer(202, { id: 'x' });
    await s.idle();
    now += 599_999;
    s.submit('c', 'registry.test/app:1', resultOf(digest(9)));
    await tick();
    expect(calls).toHaveLength(1);
    now += 1;
    s.submit('d', 'registry.test/app:1', resultOf(digest(9)));
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.answer(202, { id: 'y' });
    await s.idle();
  });

  it('failures (refused, 5xx, unreachable, a throwing log) are logged, never thrown', async () => {
    const events: ScanSubmissionEvent[] = [];
    let n = 0;
    const fetchImpl = (async () => {
      n++;
      if (n === 1) return new Response(JSON.stringify({ error: 'forbidden' }), { status: 403 });
      if (n === 2) return new Response(JSON.stringify({ message: 'disk full' }), { status: 500 });
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof fetch;
    const s = createScanSubmitter(server, {
      concurrency: 1,
      fetchImpl,
      log: (e) => {
        events.push(e);
        throw new Error('broken log');
      },
    });
    for (let i = 1; i <= 3; i++) expect(() => s.submit(`u${i}`, 'registry.test/app:1', resultOf(digest(100 + i)))).not.toThrow();
    await s.idle();
    expect(events.map((e) => e.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(events[0]!.message).toContain('refused the request (403)');
    expect(events[0]!.message).toContain('scanner role');
    expect(events[1]!.message).toContain('answered 500 to the scan submission: disk full');
    expect(events[2]!.message).toContain('ECONNREFUSED');
  });

  it('skips a scan without a sha256 manifest digest or an image reference that does not parse', () => {
    const events: ScanSubmissionEvent[] = [];
    const fetchImpl = (() => {
      throw new Error('must not be called');
    }) as unknown as typeof fetch;
    const s = createScanSubmitter(server, { fetchImpl, log: (e) => events.push(e) });
    s.submit('u', 'registry.test/app:1', resultOf(undefined));
    s.submit('u', 'registry.test/app:1', resultOf('sha256:short'));
    s.submit('u', 'Not A Reference!!', resultOf(digest(1)));
    expect(events.map((e) => e.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
  });
});

describe('submissionTarget', () => {
  it('names the repository (docker.io normalized) at the scanned digest', () => {
    expect(submissionTarget('busybox:1.36', resultOf(digest(5)))).toEqual({ target: `docker.io/library/busybox@${digest(5)}` });
    expect(submissionTarget(`ghcr.io/o/r@${digest(6)}`, resultOf(digest(7)))).toEqual({ target: `ghcr.io/o/r@${digest(7)}` });
  });

  it('hostile references and digests never yield a target with anything but the repository and a sha256 digest', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.tuple(fc.constantFrom('', 'registry.test/', 'localhost:5000/', 'a b/'), fc.stringMatching(/^[a-z0-9./_:@-]{1,60}$/)).map(([h, r]) => h + r)),
        fc.oneof(fc.string({ maxLength: 100 }), fc.nat().map(digest)),
        (ref, d) => {
        const t = submissionTarget(ref, resultOf(d));
        if ('target' in t) {
          expect(d).toMatch(/^sha256:[0-9a-f]{64}$/);
          expect(t.target.endsWith(`@${d}`)).toBe(true);
          expect(t.target).not.toMatch(/\s/);
          expect(t.target.split('@')).toHaveLength(2);
        }
      }),
      { numRuns: 500 },
    );
  });
});
