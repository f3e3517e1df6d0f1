/**
 * `bulkhead runtime audit-webhook` through the CLI (`run` with argv and a
 * CliIO): it prints the URL it listens on, the alerts of posted EventLists
 * are those `runtime replay` prints for the same audit log lines, and it
 * stops on SIGTERM with its counts. The signal is delivered by calling only
 * the listeners the command added, so the test process itself is never
 * signalled.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../cli/main.js';
import { makeTls, type TestTls } from '../../server/admission/testing.js';
import { auditFixtures, eventList, K8S_AUDIT_RULES, postAudit } from './testing.js';

let dir = '';
let tls: TestTls;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bh-audit-webhook-cli-'));
  tls = await makeTls();
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

function cliIO() {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = { stdout: (t) => (out.stdout += t), stderr: (t) => (out.stderr += t), env: {}, isTTY: false, cwd: dir };
  return { io, out };
}

async function waitFor<T>(get: () => T | undefined, what: string, exited: Promise<number>): Promise<T> {
  let done: number | undefined;
  void exited.then((c) => (done = c));
  for (let i = 0; i < 1000; i++) {
    const v = get();
    if (v !== undefined) return v;
    if (done !== undefined) throw new Error(`the command exited (${done}) before ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Start the command; resolves with its URL, a stop() that sends it SIGTERM, and its output. */
async function start(args: string[]) {
  const before = process.listeners('SIGTERM');
  const { io, out } = cliIO();
  const exited = run(['runtime', 'audit-webhook', '--listen', '127.0.0.1:0', ...args], io);
  const url = await waitFor(() => /listening on (\S+)/.exec(out.stderr)?.[1], 'listening', exited);
  const stop = async () => {
    for (const l of process.listeners('SIGTERM')) if (!before.includes(l)) l('SIGTERM');
    return exited;
  };
  return { url, stop, out };
}

const jsonLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('bulkhead runtime audit-webhook', () => {
  it('prints for posted EventLists the alerts `runtime replay` prints for the same audit log, then its counts on SIGTERM', async () => {
    const events = auditFixtures();
    writeFileSync(path.join(dir, 'audit.log'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const replayed = cliIO();
    expect(await run(['runtime', 'replay', 'audit.log', '--rules', K8S_AUDIT_RULES, '--format', 'json'], replayed.io)).toBe(1);
    const expected = jsonLines(replayed.out.stdout);
    expect(expected.map((a) => a.rule)).toContain('Create Privileged Pod');

    const w = await start(['--rules', K8S_AUDIT_RULES, '--format', 'json']);
    expect(w.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/k8s-audit$/);
    // Two batches, as the API server sends them, and one bad request in between.
    expect((await postAudit(w.url, eventList(events.slice(0, 3)))).status).toBe(200);
    expect((await postAudit(w.url, '{"kind":')).status).toBe(400);
    expect((await postAudit(w.url, eventList(events.slice(3)))).status).toBe(200);
    expect(await w.stop()).toBe(1);
    expect(jsonLines(w.out.stdout)).toEqual(expected);
    expect(w.out.stderr).toContain(`requests 3, accepted 2, events ${events.length}, invalid 1, unauthorized 0, too large 0, unsupported type 0, alerts ${expected.length}, dropped 0, errors 0, output {"received":${expected.length}`);
  });

  it('serves HTTPS with --tls-cert/--tls-key and requires the --token-file token; alerts can go to a file', async () => {
    writeFileSync(path.join(dir, 'token'), 'tok-123\n');
    const w = await start(['--rules', K8S_AUDIT_RULES, '--no-default-rules', '--tls-cert', tls.cert, '--tls-key', tls.key, '--token-file', 'token', '-o', 'alerts.txt']);
    expect(w.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/k8s-audit$/);
    expect(w.out.stderr).toContain('bearer token required');
    const body = eventList(auditFixtures().slice(0, 1));
    expect((await postAudit(w.url, body, { ca: tls.ca })).status).toBe(401);
    expect((await postAudit(w.url, body, { ca: tls.ca, headers: { authorization: 'Bearer tok-123' } })).status).toBe(200);
    expect(await w.stop()).toBe(1);
    expect(w.out.stdout).toBe('');
    expect(await readFile(path.join(dir, 'alerts.txt'), 'utf8')).toContain('Warning Pod started with privileged container (user=alice');
    expect(w.out.stderr).toMatch(/requests 2, accepted 1, events 1, invalid 0, unauthorized 1,/);
  });

  it('with nothing posted, exits 0 on SIGTERM', async () => {
    const w = await start(['--rules', K8S_AUDIT_RULES]);
    expect(await w.stop()).toBe(0);
    expect(w.out.stderr).toContain('requests 0, accepted 0, events 0');
  });

  it('refuses to start without k8s_audit rules, with half of the TLS flags, or without --listen (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['runtime', 'audit-webhook', '--listen', '127.0.0.1:0'], /no rule with source k8s_audit is loaded/],
      [['runtime', 'audit-webhook', '--listen', '127.0.0.1:0', '--rules', K8S_AUDIT_RULES, '--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
      [['runtime', 'audit-webhook', '--listen', 'nowhere', '--rules', K8S_AUDIT_RULES], /--listen "nowhere" is not host:port/],
      [['runtime', 'audit-webhook', '--listen', '127.0.0.1:0', '--rules', K8S_AUDIT_RULES, '--token-file', 'missing-token'], /cannot read --token-file missing-token/],
      [['runtime', 'audit-webhook', '--rules', K8S_AUDIT_RULES], /--listen/],
    ];
    for (const [args, message] of cases) {
      const { io, out } = cliIO();
      expect(await run(args, io)).toBe(2);
      expect(out.stderr).toMatch(message);
      expect(out.stderr).not.toContain('listening on');
    }
  });
});
