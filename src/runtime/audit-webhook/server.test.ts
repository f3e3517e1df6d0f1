/**
 * The audit webhook backend on a real socket (127.0.0.1, a free port), over
 * HTTP and over HTTPS with a throwaway CA (deploy/admission/gen-certs.sh):
 * the alerts of a posted EventList are those of replaying the same events as
 * audit log lines; batches, hostile bodies and the bearer token.
 */
import { readFileSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTls, type TestTls } from '../../server/admission/testing.js';
import { defaultRuleFile, loadRules, replay, type Alert } from '../rules/index.js';
import { auditBatchOf, parseListenAddress, startAuditWebhook, type AuditWebhook, type AuditWebhookOptions } from './index.js';
import { auditFixtures, eventList, k8sAuditRuleFile, postAudit, rawRequest, type PostOptions } from './testing.js';

const rules = loadRules([defaultRuleFile(), k8sAuditRuleFile()]);
const summary = (a: Alert) => ({ rule: a.rule, priority: a.priority, output: a.output, time: a.time });

/** What `runtime replay` raises for these events as audit log lines. */
async function replayed(events: unknown[]): Promise<ReturnType<typeof summary>[]> {
  const r = await replay(Readable.from([Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n')]), rules);
  expect(r.invalid).toBe(0);
  return r.alerts.map(summary);
}

let tls: TestTls;
beforeAll(async () => {
  tls = await makeTls();
}, 60_000);
afterAll(() => {
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

async function withServer<T>(options: Partial<AuditWebhookOptions> & { https?: boolean }, fn: (s: AuditWebhook, alerts: Alert[], post: (body: unknown, o?: PostOptions) => ReturnType<typeof postAudit>) => Promise<T>): Promise<T> {
  const alerts: Alert[] = [];
  const { https: secure, ...rest } = options;
  const server = await startAuditWebhook({
    listen: '127.0.0.1:0',
    rules,
    onAlert: (a) => void alerts.push(a),
    ...(secure ? { tls: { cert: readFileSync(tls.cert, 'utf8'), key: readFileSync(tls.key, 'utf8') } } : {}),
    ...rest,
  });
  try {
    return await fn(server, alerts, (body, o = {}) => postAudit(server.url, body, { ...(secure ? { ca: tls.ca } : {}), ...o }));
  } finally {
    await server.close();
  }
}

describe.each([
  ['HTTP', false],
  ['HTTPS', true],
])('audit webhook over %s', (_name, secure) => {
  it('raises for a posted EventList the alerts a replay of the same audit log lines raises', async () => {
    const events = auditFixtures();
    const expected = await replayed(events);
    expect(expected.map((a) => a.rule)).toEqual(expect.arrayContaining(['Attach to cluster-admin Role', 'Attach/Exec Pod', 'Create Privileged Pod', 'Disallowed K8s User']));
    await withServer({ https: secure }, async (server, alerts, post) => {
      expect(server.url).toMatch(secure ? /^https:\/\/127\.0\.0\.1:\d+\/k8s-audit$/ : /^http:\/\/127\.0\.0\.1:\d+\/k8s-audit$/);
      const r = await post(eventList(events));
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ events: events.length });
      await server.settled();
      expect(alerts.map(summary)).toEqual(expected);
      expect(server.stats()).toMatchObject({ requests: 1, accepted: 1, events: events.length, invalid: 0, alerts: expected.length, dropped: 0, errors: 0 });
    });
  });

  it('takes one large batch and single Events, in order', async () => {
    const fixtures = auditFixtures();
    const many = Array.from({ length: 400 }, (_, i) => ({ ...fixtures[i % fixtures.length]!, auditID: `batch-${i}` }));
    const expected = await replayed([...many, fixtures[0], fixtures[2]]);
    await withServer({ https: secure }, async (server, alerts, post) => {
      expect((await post(eventList(many))).status).toBe(200);
      expect((await post(fixtures[0])).status).toBe(200);
      expect((await post(fixtures[2])).status).toBe(200);
      await server.settled();
      expect(alerts.map(summary)).toEqual(expected);
      expect(alerts.length).toBeGreaterThan(100);
      expect(server.stats()).toMatchObject({ requests: 3, accepted: 3, events: 402, alerts: expected.length });
    });
  });
});

describe('audit webhook: what is refused', () => {
  it('answers 400, 413, 415 with a short reason, counts them, and goes on', async () => {
    await withServer({ maxBodyBytes: 4096 }, async (server, alerts, post) => {
      const cases: [unknown, PostOptions, number, RegExp][] = [
        ['{"apiVersion": "audit.k8s.io/v1", "kind": "EventList", "items": [', {}, 400, /^the body is not JSON/],
        [{ apiVersion: 'v1', kind: 'Pod' }, {}, 400, /^apiVersion "v1": expected audit\.k8s\.io\/v1/],
        [{ apiVersion: 'audit.k8s.io/v1beta1', kind: 'EventList', items: [] }, {}, 400, /--audit-webhook-version=audit\.k8s\.io\/v1/],
        [{ apiVersion: 'audit.k8s.io/v1', kind: 'Policy' }, {}, 400, /^kind "Policy": expected EventList or Event/],
        [{ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: 'x' }, {}, 400, /EventList without items/],
        [{ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: [1] }, {}, 400, /item is not an object/],
        [[1, 2], {}, 400, /not a JSON object/],
        [eventList(auditFixtures()), { contentType: 'text/plain' }, 415, /application\/json/],
        [eventList(auditFixtures()), { contentType: null }, 415, /application\/json/],
        [eventList(auditFixtures()), { headers: { 'content-encoding': 'gzip' } }, 415, /not compressed/],
        [eventList(Array.from({ length: 20 }, () => auditFixtures()[0]!)), {}, 413, /larger than 4096 bytes/],
        [eventList(Array.from({ length: 20 }, () => auditFixtures()[0]!)), { chunked: true }, 413, /larger than 4096 bytes/],
      ];
      for (const [body, o, status, reason] of cases) {
        const r = await post(body, o);
        expect({ status: r.status, body: r.body }).toEqual({ status, body: expect.stringMatching(reason) });
        expect(r.body.length).toBeLessThan(300);
      }
      expect((await post(auditFixtures()[0])).status).toBe(200);
      await server.settled();
      expect(alerts.map(summary)).toEqual(await replayed([auditFixtures()[0]]));
      expect(alerts.map((a) => a.rule)).toContain('Create Privileged Pod');
      expect(server.stats()).toMatchObject({ requests: cases.length + 1, accepted: 1, invalid: 7, unsupportedType: 3, tooLarge: 2, events: 1 });
    });
  });

  it('answers 413 from the declared length of the default 16 MiB cap, without waiting for the body', async () => {
    await withServer({}, async (server) => {
      const u = new URL(server.url);
      const status = await rawRequest(server.url, `POST ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\ncontent-type: application/json\r\ncontent-length: ${16 * 1024 * 1024 + 1}\r\n\r\n`);
      expect(status).toBe('HTTP/1.1 413 Payload Too Large');
      expect(server.stats().tooLarge).toBe(1);
    });
  });

  it('other paths and methods: 404 and 405; /healthz answers GET', async () => {
    await withServer({}, async (server) => {
      const base = server.url.replace(/\/k8s-audit$/, '');
      expect((await postAudit(`${base}/validate`, eventList([]))).status).toBe(404);
      const get = await fetch(server.url);
      expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
      const h = await fetch(`${base}/healthz`);
      expect([h.status, await h.text()]).toEqual([200, 'ok\n']);
      expect(server.stats().requests).toBe(0);
    });
  });

  it('with a token, a request without it or with another one gets 401 before its body is read', async () => {
    await withServer({ token: 's3cret-token', https: true }, async (server, alerts, post) => {
      const body = eventList(auditFixtures());
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: 's3cret-token' }, { authorization: 'Basic czNjcmV0LXRva2Vu' }, { authorization: 'Bearer s3cret-token extra' }]) {
        const r = await post(body, { headers });
        expect([r.status, r.headers['www-authenticate']]).toEqual([401, 'Bearer']);
      }
      // 401 comes before the content checks: a stranger learns nothing of them.
      expect((await post('not json', { contentType: 'text/plain' })).status).toBe(401);
      expect((await post(body, { headers: { authorization: 'bearer s3cret-token' } })).status).toBe(200);
      await server.settled();
      expect(alerts.map(summary)).toEqual(await replayed(auditFixtures()));
      expect(server.stats()).toMatchObject({ requests: 7, unauthorized: 6, accepted: 1, unsupportedType: 0 });
    });
  });
});

describe('audit webhook: a slow or failing output', () => {
  it('drops alerts beyond the pending bound (counted) and answers 200 without waiting for the output', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const delivered: string[] = [];
    await withServer({ maxPendingAlerts: 1, onAlert: (a) => gate.then(() => void delivered.push(a.rule)) }, async (server, _alerts, post) => {
      expect((await post(eventList(auditFixtures()))).status).toBe(200);
      expect(delivered).toEqual([]);
      release();
      await server.settled();
      const raised = (await replayed(auditFixtures())).length;
      expect(delivered).toHaveLength(1);
      expect(server.stats()).toMatchObject({ alerts: raised, dropped: raised - 1 });
    });
  });

  it('counts an output failure and goes on with the next alerts', async () => {
    const errors: string[] = [];
    let n = 0;
    await withServer(
      {
        onAlert: () => {
          if (n++ === 0) throw new Error('sink down');
        },
        onError: (e) => errors.push(e.message),
      },
      async (server, _alerts, post) => {
        expect((await post(eventList(auditFixtures()))).status).toBe(200);
        await server.settled();
        const raised = (await replayed(auditFixtures())).length;
        expect(n).toBe(raised);
        expect(errors).toEqual(['sink down']);
        expect(server.stats()).toMatchObject({ alerts: raised, errors: 1 });
      },
    );
  });
});

describe('audit webhook: hostile bodies', () => {
  it('never answers 5xx and never stops serving (fuzz)', async () => {
    const fixture = auditFixtures()[0]!;
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.record({ apiVersion: fc.constantFrom('audit.k8s.io/v1', 'audit.k8s.io/v1beta1', 7), kind: fc.constantFrom('EventList', 'Event', 'List'), items: fc.oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 5 })) }).map((v) => JSON.stringify(v)),
      fc.array(fc.dictionary(fc.constantFrom('verb', 'objectRef', 'requestObject', 'user', 'requestURI', 'stageTimestamp', 'responseStatus', 'annotations', '__proto__'), fc.jsonValue({ maxDepth: 3 })), { maxLength: 4 }).map((items) =>
        JSON.stringify(eventList(items.map((it) => ({ ...fixture, ...it })))),
      ),
    );
    await withServer({ maxBodyBytes: 2048 }, async (server, _alerts, post) => {
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/yaml'), async (b, contentType) => {
          sent++;
          const r = await post(b, { contentType });
          expect([200, 400, 413, 415]).toContain(r.status);
        }),
        { numRuns: 200 },
      );
      const s = server.stats();
      expect(s.requests).toBe(sent);
      expect(s.accepted + s.invalid + s.tooLarge + s.unsupportedType).toBe(sent);
      expect((await post(auditFixtures()[0])).status).toBe(200);
    });
  });

  it('auditBatchOf accepts only audit.k8s.io/v1 Events and EventLists', () => {
    expect(auditBatchOf(eventList(auditFixtures()))).toMatchObject({ events: { length: 7 } });
    expect(auditBatchOf({ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: [] })).toEqual({ events: [] });
    for (const v of [null, 'x', 3, [], {}, { apiVersion: 'audit.k8s.io/v1' }, { kind: 'EventList', items: [] }]) expect(auditBatchOf(v)).toHaveProperty('error');
  });

  it('parses --listen addresses and refuses others', () => {
    expect(parseListenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress(':9765')).toEqual({ host: '0.0.0.0', port: 9765 });
    expect(parseListenAddress('[::1]:8443')).toEqual({ host: '::1', port: 8443 });
    for (const bad of ['', 'host', '1.2.3.4:70000', 'a:b:1', '1.2.3.4:-1']) expect(() => parseListenAddress(bad)).toThrow(/is not host:port/);
  });

  it('refuses a certificate that is not PEM', async () => {
    await expect(startAuditWebhook({ listen: '127.0.0.1:0', rules, onAlert: () => undefined, tls: { cert: 'nope', key: 'nope' } })).rejects.toMatchObject({ code: 'KEY_INVALID' });
  });
});
