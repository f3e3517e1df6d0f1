/**
 * The vulnerability gate with real components: a docker-registry holding the
 * shared fixture app-node (lodash 4.17.15 and minimist 1.2.0: CVE-2020-8203
 * high and CVE-2021-44906 critical in the example OSV records of
 * examples/osv), a real `bulkhead server` (SQLite in a temporary folder, the
 * example DB imported) that scanned it, and the admission webhook over HTTPS
 * looking the stored scan up by digest — or scanning on demand with the
 * example DB the image the server never saw (the same fixture pushed as a
 * Docker v2s2 manifest: same layers, another digest).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkheadError, exitCodeFor } from '../../core/errors.js';
import { NO_VULN_DB_NOTICE } from '../../pipeline/scan.js';
import { repositoryStore } from '../../registry/index.js';
import { freePort, hasFixtures, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from '../../registry/testing/registry-server.js';
import { importDb } from '../../vuln/db/index.js';
import { startServer, type RunningServer } from '../server.js';
import type { AdmissionDependencies, AdmissionLogEvent } from './handler.js';
import { openOnDemandScanner } from './scanner.js';
import { startAdmissionServer, type AdmissionServer } from './server.js';
import { configOf, makeTls, post, review, type TestTls } from './testing.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API responses are checked field by field
type Json = any;

if (!hasRegistry || !hasFixtures) console.log('admission vulnerability gate test skipped: no docker-registry or no ../shared fixtures');


describe.skipIf(!hasRegistry || !hasFixtures)('vulnerability gate with a Bulkhead server and scans on demand', () => {
  const dirs: string[] = [];
  const temp = (p: string) => {
    const d = mkdtempSync(path.join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  const admissions: AdmissionServer[] = [];
  let reg: TestRegistry;
  let tls: TestTls;
  let bulkhead: RunningServer;
  let viewerToken: string;
  let dbDir: string;
  let stored: string;
  let unstored: string;
  let storedDigest: string;
  let unstoredDigest: string;

  const call = async (method: string, url: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${bulkhead.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${bulkhead.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    [reg, tls] = await Promise.all([startRegistry({ auth: 'none' }), makeTls()]);
    await Promise.all([pushFixture(reg, 'app-node', 'apps/node', { destTag: '1.0' }), pushFixture(reg, 'app-node', 'apps/node-v2', { destTag: '1.0', format: 'v2s2' })]);
    stored = `${reg.host}/apps/node:1.0`;
    unstored = `${reg.host}/apps/node-v2:1.0`;
    storedDigest = (await repositoryStore(stored, optionsFor(reg)).getManifest('1.0'))!.digest;
    unstoredDigest = (await repositoryStore(unstored, optionsFor(reg)).getManifest('1.0'))!.digest;
    expect(unstoredDigest).not.toBe(storedDigest);

    dbDir = temp('bh-adm-vdb-');
    await importDb({ dir: dbDir, source: path.resolve('examples/osv') });
    bulkhead = await startServer({ listen: '127.0.0.1:0', dataDir: temp('bh-adm-data-'), workers: 1, allowLocalTargets: false, dbDir, registry: optionsFor(reg), rescanIntervalMs: 0, watchIntervalMs: 0, env: {} });
    viewerToken = (await call('POST', '/api/v1/tokens', { name: 'admission', role: 'viewer' })).json.token as string;
    const sub = await call('POST', '/api/v1/scans', { target: stored });
    expect(sub.status).toBe(202);
    let scan: Json;
    for (let i = 0; i < 600 && !(scan?.status === 'done' || scan?.status === 'failed'); i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      scan = (await call('GET', `/api/v1/scans/${sub.json.id}`)).json;
    }
    expect(scan.error).toBeNull();
    expect(scan.imageDigest).toBe(storedDigest);
    expect(scan.summary.critical).toBeGreaterThanOrEqual(1);
    expect(scan.summary.high).toBeGreaterThanOrEqual(1);
    // The other digest is not stored: only a scan on demand can judge it.
    expect((await call('GET', `/api/v1/images/${encodeURIComponent(unstoredDigest)}`)).status).toBe(404);
  }, 180_000);

  afterAll(async () => {
    for (const a of admissions) await a.close();
    await bulkhead?.close();
    await reg?.stop();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const base = () => `pss:\n  default: { level: privileged }\nregistries:\n  insecure: ["${reg.host}"]\ndeadlineMs: 28000\n`;
  const serverAt = (url: string) => `server:\n  url: ${url}\n  tokenFile: token\n`;
  const serve = async (yaml: string, token = viewerToken, log?: (e: AdmissionLogEvent) => void, extra: AdmissionDependencies = {}): Promise<string> => {
    const config = await configOf(yaml, { token: `${token}\n` });
    const server = await startAdmissionServer({ listen: '127.0.0.1:0', tlsCert: tls.cert, tlsKey: tls.key, config, dependencies: { registryOptions: optionsFor(reg), ...(log ? { log } : {}), ...extra } });
    admissions.push(server);
    return server.url;
  };
  const podWith = (image: string) => {
    const r = review('pod-compliant.json');
    r['request'].object.spec.containers[0].image = image;
    return r;
  };

  it('denies a pod whose image has stored critical and high vulnerabilities above the threshold', async () => {
    const url = await serve(`${base()}${serverAt(bulkhead.url)}vulnerabilities:\n  maxSeverity: medium\n  unscanned: deny\n`);
    const r = await post(url, tls.ca, podWith(stored));
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.code).toBe(403);
    const message = r.json!.response.status!.message;
    expect(message).toContain(`image ${stored} fails the vulnerability gate`);
    expect(message).toContain('CVE-2021-44906 in minimist@1.2.0 is critical (above medium), fixed in 1.2.6');
    expect(message).toContain('CVE-2020-8203 in lodash@4.17.15 is high (above medium), fixed in 4.17.20');
  });

  it('admits the same pod when the threshold is above its vulnerabilities (and they all have fixes)', async () => {
    const url = await serve(`${base()}${serverAt(bulkhead.url)}vulnerabilities:\n  maxSeverity: critical\n  denyUnfixedCritical: true\n  unscanned: deny\n`);
    const r = await post(url, tls.ca, podWith(stored));
    expect(r.json!.response.status?.message).toBeUndefined();
    expect(r.json!.response.allowed).toBe(true);
    expect(r.json!.response.warnings).toBeUndefined();
  });

  it('without a stored scan and without scans on demand, applies unscanned and says there is no stored scan', async () => {
    const deny = await serve(`${base()}${serverAt(bulkhead.url)}vulnerabilities:\n  maxSeverity: medium\n  unscanned: deny\n`);
    const d = await post(deny, tls.ca, podWith(unstored));
    expect(d.json!.response.allowed).toBe(false);
    expect(d.json!.response.status!.message).toContain(`image ${unstored} has no stored scan (the Bulkhead server at ${bulkhead.url} has no scan of ${unstoredDigest}) and no scan on demand is configured`);

    // unscanned: fail hands the decision to failurePolicy.
    const fail = await serve(`${base()}failurePolicy: open\n${serverAt(bulkhead.url)}vulnerabilities:\n  maxSeverity: medium\n  unscanned: fail\n`);
    const f = await post(fail, tls.ca, podWith(unstored));
    expect(f.json!.response.allowed).toBe(true);
    expect(f.json!.response.warnings![0]).toContain('failurePolicy open');
    expect(f.json!.response.warnings![0]).toContain('has no stored scan');
  });

  it('a Bulkhead server that is down is a failure of ours: fail-closed refuses, fail-open admits with a warning', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const gate = `${serverAt(down)}vulnerabilities:\n  maxSeverity: critical\n  unscanned: allow\n`;
    const closed = await serve(`${base()}failurePolicy: closed\n${gate}`);
    const c = await post(closed, tls.ca, podWith(stored));
    expect(c.json!.response.allowed).toBe(false);
    expect(c.json!.response.status!.code).toBe(500);
    expect(c.json!.response.status!.message).toContain('failurePolicy closed');
    expect(c.json!.response.status!.message).toContain('cannot reach the Bulkhead server');

    const events: AdmissionLogEvent[] = [];
    const open = await serve(`${base()}failurePolicy: open\n${gate}`, viewerToken, (e) => events.push(e));
    const o = await post(open, tls.ca, podWith(stored));
    expect(o.json!.response.allowed).toBe(true);
    expect(o.json!.response.warnings![0]).toContain('failurePolicy open');
    expect(o.json!.response.warnings![0]).toContain('cannot reach the Bulkhead server');
    expect(events.map((e) => e.outcome)).toEqual(['failed-open']);
  });

  it('a token the server refuses (401) is a failure too, never "no vulnerabilities"', async () => {
    const url = await serve(`${base()}failurePolicy: closed\n${serverAt(bulkhead.url)}vulnerabilities:\n  maxSeverity: critical\n  unscanned: allow\n`, 'not-a-token');
    const r = await post(url, tls.ca, podWith(stored));
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.code).toBe(500);
    expect(r.json!.response.status!.message).toContain('the Bulkhead server refused the request (401)');
  });

  it('scans on demand with the example vulnerability DB an image the server has no result for', async () => {
    const url = await serve(`${base()}${serverAt(bulkhead.url)}vulnDb: ${dbDir}\nvulnerabilities:\n  maxSeverity: medium\n  unscanned: allow\n  scanBudgetMs: 27000\n`);
    const r = await post(url, tls.ca, podWith(unstored));
    expect(r.json!.response.allowed).toBe(false);
    const message = r.json!.response.status!.message;
    expect(message).toContain(`image ${unstored} fails the vulnerability gate`);
    expect(message).toContain('CVE-2021-44906 in minimist@1.2.0 is critical (above medium)');
    expect(message).toContain('CVE-2020-8203 in lodash@4.17.15 is high (above medium)');
  }, 60_000);

  it('a stored scan made without a vulnerability DB is no stored result (never "no vulnerabilities")', async () => {
    const noDb = await startServer({ listen: '127.0.0.1:0', dataDir: temp('bh-adm-nodb-data-'), workers: 1, allowLocalTargets: false, dbDir: temp('bh-adm-nodb-vdb-'), registry: optionsFor(reg), rescanIntervalMs: 0, watchIntervalMs: 0, env: {} });
    try {
      const headers = { authorization: `Bearer ${noDb.adminToken}`, 'content-type': 'application/json' };
      const sub = (await (await fetch(`${noDb.url}/api/v1/scans`, { method: 'POST', headers, body: JSON.stringify({ target: stored }) })).json()) as Json;
      let scan: Json;
      for (let i = 0; i < 600 && !(scan?.status === 'done' || scan?.status === 'failed'); i++) {
        if (i) await new Promise((r) => setTimeout(r, 100));
        scan = await (await fetch(`${noDb.url}/api/v1/scans/${sub.id}`, { headers })).json();
      }
      expect(scan.status).toBe('done');
      expect(scan.result.findings.filter((f: Json) => f.kind === 'vulnerability')).toEqual([]);
      expect(scan.result.notices.map((n: Json) => n.message)).toContain(NO_VULN_DB_NOTICE);
      const url = await serve(`${base()}${serverAt(noDb.url)}vulnerabilities:\n  maxSeverity: critical\n  unscanned: deny\n`, noDb.adminToken!);
      const r = await post(url, tls.ca, podWith(stored));
      expect(r.json!.response.allowed).toBe(false);
      expect(r.json!.response.status!.message).toContain(`image ${stored} has no stored scan (the last scan ${sub.id} of ${storedDigest} did not match vulnerabilities`);
    } finally {
      await noDb.close();
    }
  }, 60_000);

  it('a missing vulnerability DB is a startup error naming the fix, not a silent "no vulnerabilities"', async () => {
    const empty = temp('bh-adm-nodb-');
    const config = await configOf(`${base()}vulnDb: ${empty}\nvulnerabilities:\n  maxSeverity: medium\n`);
    const error = await startAdmissionServer({ listen: '127.0.0.1:0', tlsCert: tls.cert, tlsKey: tls.key, config }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkheadError);
    const e = error as BulkheadError;
    expect(e.code).toBe('POLICY_INVALID');
    expect(exitCodeFor(e.code)).toBe(2);
    expect(e.where).toMatch(/admission\.yaml:\d+$/);
    expect(e.hint).toContain(`bulkhead db update --db-dir ${empty}`);
  });

  describe('scans on demand are submitted to the Bulkhead server', () => {
    const gate = () => `${base()}${serverAt(bulkhead.url)}vulnerabilities:\n  maxSeverity: medium\n  unscanned: allow\n  scanBudgetMs: 27000\n`;
    /** The real scanner over the example DB, counting its calls. */
    const countedScanner = () => {
      const onDemand = openOnDemandScanner({ dbDir, registry: optionsFor(reg) });
      const counted = { calls: 0, close: () => onDemand.close() };
      const scanner: AdmissionDependencies['scanner'] = (ref, budget, ctx) => {
        counted.calls++;
        return onDemand.scanner(ref, budget, ctx);
      };
      return { counted, scanner: scanner! };
    };
    const submissions = (events: AdmissionLogEvent[]) => events.filter((e) => 'event' in e && e.event === 'scan-submission');
    const until = async (what: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 600 && !(await what()); i++) await new Promise((r) => setTimeout(r, 100));
    };
    const deniedForVulns = (r: Awaited<ReturnType<typeof post>>) => {
      expect(r.json!.response.allowed).toBe(false);
      expect(r.json!.response.status!.message).toContain(`image ${unstored} fails the vulnerability gate`);
      expect(r.json!.response.status!.message).toContain('CVE-2021-44906 in minimist@1.2.0 is critical (above medium)');
    };
    let scannerToken: string;
    beforeAll(async () => {
      scannerToken = (await call('POST', '/api/v1/tokens', { name: 'admission-scanner', role: 'scanner' })).json.token as string;
    });

    it('a dry run submits nothing', async () => {
      const { counted, scanner } = countedScanner();
      try {
        const events: AdmissionLogEvent[] = [];
        const url = await serve(gate(), scannerToken, (e) => events.push(e), { scanner });
        const dry = podWith(unstored);
        dry['request'].dryRun = true;
        deniedForVulns(await post(url, tls.ca, dry));
        expect(counted.calls).toBe(1);
        // A submission would be logged right after the answer; give it time to show up, then check the server too.
        await new Promise((r) => setTimeout(r, 500));
        expect(submissions(events)).toEqual([]);
        expect((await call('GET', `/api/v1/images/${encodeURIComponent(unstoredDigest)}`)).status).toBe(404);
        const listed = (await call('GET', '/api/v1/scans?limit=1000')).json.items as Json[];
        expect(listed.filter((s) => String(s.target).includes(unstoredDigest))).toEqual([]);
      } finally {
        counted.close();
      }
    }, 60_000);

    it('a token without the scanner role (403) is logged and changes nothing about the decision', async () => {
      const { counted, scanner } = countedScanner();
      try {
        const events: AdmissionLogEvent[] = [];
        const url = await serve(gate(), viewerToken, (e) => events.push(e), { scanner });
        deniedForVulns(await post(url, tls.ca, podWith(unstored)));
        await until(() => submissions(events).length > 0);
        const [failed] = submissions(events);
        expect(failed).toMatchObject({ event: 'scan-submission', outcome: 'failed', image: unstored, target: `${reg.host}/apps/node-v2@${unstoredDigest}` });
        expect(failed!.message).toContain('the Bulkhead server refused the request (403)');
        expect(failed!.message).toContain('scanner role');
        expect(events.filter((e) => !('event' in e)).map((e) => e.outcome)).toEqual(['denied']);
        expect((await call('GET', `/api/v1/images/${encodeURIComponent(unstoredDigest)}`)).status).toBe(404);
      } finally {
        counted.close();
      }
    }, 60_000);

    it('the server stores the image scanned on demand, and the next admission reads it instead of scanning again', async () => {
      const { counted, scanner } = countedScanner();
      try {
        const events: AdmissionLogEvent[] = [];
        const url = await serve(gate(), scannerToken, (e) => events.push(e), { scanner });
        deniedForVulns(await post(url, tls.ca, podWith(unstored)));
        expect(counted.calls).toBe(1);
        await until(() => submissions(events).length > 0);
        const [submitted] = submissions(events);
        expect(submitted).toMatchObject({ outcome: 'submitted', target: `${reg.host}/apps/node-v2@${unstoredDigest}` });
        const scanId = (submitted as { scanId: string }).scanId;
        let scan: Json;
        await until(async () => {
          scan = (await call('GET', `/api/v1/scans/${scanId}`)).json;
          return scan?.status === 'done' || scan?.status === 'failed';
        });
        expect(scan.error).toBeNull();
        expect(scan.status).toBe('done');
        expect(scan.imageDigest).toBe(unstoredDigest);
        const image = await call('GET', `/api/v1/images/${encodeURIComponent(unstoredDigest)}`);
        expect(image.status).toBe(200);
        expect(image.json.lastScanId).toBe(scanId);

        // The same image again: judged from the stored scan, no second scan on demand, nothing submitted again.
        deniedForVulns(await post(url, tls.ca, podWith(unstored)));
        expect(counted.calls).toBe(1);
        await new Promise((r) => setTimeout(r, 300));
        expect(submissions(events)).toHaveLength(1);
      } finally {
        counted.close();
      }
    }, 120_000);
  });
});
