import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../rules/index.js';
import { AlertOutput, DedupFilter, fileSink, jsonLinesSink, textSink, TokenBucket, webhookSink } from './index.js';

function alert(over: Partial<Alert> = {}): Alert {
  return {
    time: '2023-11-14T22:13:20.123456789Z',
    rule: 'Shell started in container',
    priority: 'Notice',
    source: 'syscall',
    output: 'Shell started in container (shell=bash)',
    outputFields: { 'proc.name': 'bash', 'container.id': 'abc' },
    tags: ['BH-RT-001'],
    container: { id: 'abc', name: 'web', image: 'nginx:1.27' },
    ...over,
  };
}

function collect(stream: PassThrough): () => string {
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  return () => out;
}

describe('stream sinks', () => {
  it('write Falco-style text lines and JSON lines', async () => {
    const s1 = new PassThrough();
    const text = collect(s1);
    const t = textSink(s1);
    await t.write(alert());
    expect(text()).toBe('2023-11-14T22:13:20.123456789Z: Notice Shell started in container (shell=bash)\n');
    const s2 = new PassThrough();
    const json = collect(s2);
    const j = jsonLinesSink(s2);
    await j.write(alert());
    await j.write(alert({ rule: 'Other' }));
    const lines = json().trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(lines.map((l) => l.rule)).toEqual(['Shell started in container', 'Other']);
    expect(lines[0]).toEqual(alert());
    expect(j.stats()).toEqual({ received: 2, written: 2, failed: 0 });
    await j.close();
    const errors: string[] = [];
    const closed = jsonLinesSink(new PassThrough(), (e) => errors.push(e.message));
    await closed.close();
    await closed.write(alert());
    expect(closed.stats().failed).toBe(1);
    expect(errors[0]).toMatch(/closed/);
  });
});

describe('file sink', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-alerts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends, keeping what was there', async () => {
    const file = path.join(dir, 'alerts.jsonl');
    for (const rule of ['A', 'B']) {
      const s = await fileSink(file);
      await s.write(alert({ rule }));
      await s.close();
    }
    const t = await fileSink(file, { format: 'text' });
    await Promise.all([t.write(alert({ rule: 'C', output: 'c1' })), t.write(alert({ rule: 'C', output: 'c2' }))]);
    await t.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.slice(0, 2).map((l) => (JSON.parse(l) as Alert).rule)).toEqual(['A', 'B']);
    expect(lines.slice(2)).toEqual(['2023-11-14T22:13:20.123456789Z: Notice c1', '2023-11-14T22:13:20.123456789Z: Notice c2']);
  });

  it('fails at start-up on a path it cannot open', async () => {
    await expect(fileSink(path.join(dir, 'missing', 'x.jsonl'))).rejects.toMatchObject({ code: 'IO', where: path.join(dir, 'missing', 'x.jsonl') });
  });
});

describe('webhook sink against a local HTTP receiver', () => {
  let server: Server;
  let base = '';
  const received: Array<{ path: string; type: string | undefined; body: Alert }> = [];
  const plan: number[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const status = plan.shift() ?? 200;
        if (status === 200) received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(body) as Alert });
        res.statusCode = status;
        res.end(status === 200 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('POSTs each alert as JSON, in order', async () => {
    received.length = 0;
    const s = webhookSink(`${base}/falco`, { headers: { authorization: 'Bearer t' } });
    await Promise.all([s.write(alert({ rule: 'one' })), s.write(alert({ rule: 'two' })), s.write(alert({ rule: 'three' }))]);
    await s.close();
    expect(received.map((r) => r.body.rule)).toEqual(['one', 'two', 'three']);
    expect(received[0]).toMatchObject({ path: '/falco', type: 'application/json' });
    expect(received[0]!.body).toEqual(alert({ rule: 'one' }));
    expect(s.stats()).toEqual({ received: 3, written: 3, failed: 0 });
  });

  it('retries 5xx and 429, gives up on other errors, and reports failures', async () => {
    received.length = 0;
    plan.push(503, 429);
    const errors: string[] = [];
    const s = webhookSink(`${base}/r`, { retryDelayMs: 5, onError: (e) => errors.push(e.message) });
    await s.write(alert({ rule: 'after-retries' }));
    expect(received.map((r) => r.body.rule)).toEqual(['after-retries']);
    plan.push(400);
    await s.write(alert({ rule: 'rejected' }));
    plan.push(500, 500, 500);
    await s.write(alert({ rule: 'down' }));
    await s.close();
    expect(s.stats()).toEqual({ received: 3, written: 1, failed: 2 });
    expect(errors).toEqual([expect.stringMatching(/answered 400/), expect.stringMatching(/answered 500/)]);
  });

  it('reports an unreachable receiver and a full queue', async () => {
    const errors: string[] = [];
    const dead = webhookSink('http://127.0.0.1:1/x', { retries: 0, onError: (e) => errors.push(e.message) });
    await dead.write(alert());
    expect(dead.stats().failed).toBe(1);
    expect(errors[0]).toMatch(/webhook delivery failed/);
    const slow = webhookSink(`${base}/q`, { maxQueue: 1, onError: (e) => errors.push(e.message) });
    const p1 = slow.write(alert());
    await slow.write(alert());
    await p1;
    await slow.close();
    expect(slow.stats()).toMatchObject({ received: 2, written: 1, failed: 1 });
    expect(errors.at(-1)).toMatch(/queue full/);
  });

  it('rejects URLs that are not http(s)', () => {
    expect(() => webhookSink('file:///etc/passwd')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => webhookSink('not a url')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('dedup and rate limiting', () => {
  it('drops repeats of the same rule and key within the window, then reports how many', () => {
    const d = new DedupFilter({ windowMs: 1000 });
    expect(d.accept(alert(), 0)).toEqual({ ok: true, repeats: 0 });
    expect(d.accept(alert(), 500).ok).toBe(false);
    expect(d.accept(alert(), 900).ok).toBe(false);
    expect(d.accept(alert({ output: 'different' }), 900).ok).toBe(true);
    expect(d.accept(alert({ rule: 'Other' }), 900).ok).toBe(true);
    expect(d.accept(alert(), 1001)).toEqual({ ok: true, repeats: 2 });
    expect(d.suppressed).toBe(2);
    const byContainer = new DedupFilter({ windowMs: 1000, keyFields: ['container.id'] });
    expect(byContainer.accept(alert({ output: 'a' }), 0).ok).toBe(true);
    expect(byContainer.accept(alert({ output: 'b' }), 1).ok).toBe(false);
    expect(byContainer.accept(alert({ output: 'b', outputFields: { 'container.id': 'other' } }), 2).ok).toBe(true);
    const small = new DedupFilter({ windowMs: 1000, maxKeys: 2 });
    for (const o of ['a', 'b', 'c']) small.accept(alert({ output: o }), 0);
    expect(small.accept(alert({ output: 'a' }), 1).ok).toBe(true);
  });

  it('lets a burst through, then the configured rate', () => {
    const b = new TokenBucket({ ratePerSecond: 2, burst: 3 });
    expect([0, 0, 0, 0].map(() => b.take(0))).toEqual([true, true, true, false]);
    expect(b.take(400)).toBe(false);
    expect(b.take(600)).toBe(true);
    expect(b.take(10_000)).toBe(true);
    expect(b.limited).toBe(2);
  });

  it('counts what the output holds back and marks repeats on the alert that gets through', async () => {
    let now = 0;
    const s = new PassThrough();
    const out = collect(s);
    const o = new AlertOutput({ sinks: [jsonLinesSink(s)], dedup: { windowMs: 100 }, rateLimit: { ratePerSecond: 1, burst: 2 }, now: () => now });
    await o.emit(alert());
    await o.emit(alert());
    await o.emit(alert({ rule: 'B' }));
    await o.emit(alert({ rule: 'C' }));
    now = 5000;
    await o.emit(alert());
    await o.close();
    const rules = out().trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(rules.map((a) => [a.rule, a.repeats])).toEqual([
      ['Shell started in container', undefined],
      ['B', undefined],
      ['Shell started in container', 1],
    ]);
    expect(o.stats()).toMatchObject({ received: 5, duplicates: 1, rateLimited: 1, sent: 3, sinks: { json: { received: 3, written: 3, failed: 0 } } });
  });
});
