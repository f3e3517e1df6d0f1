/**
 * End to end, through the CLI as a user runs it: a real runc container from
 * the debian-bookworm fixture, `bulkhead runtime watch --format json
 * --container <id> --image <fixture> --record events.jsonl` (bpftrace sensor
 * + drift index of the same image + the default rules), and `runc exec` of
 * what the default rules must catch. The watch is stopped with SIGINT, as
 * Ctrl-C does; `bulkhead runtime replay` over the recording must then raise
 * the same alerts.
 * Needs root, bpftrace (BTF), runc and umoci; otherwise skipped with the reason.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import type { Alert } from '../../src/runtime/rules/index.js';
import { containersUnavailableReason, FIXTURE_LAYOUT, startRuncContainer, waitFor, type RuncContainer } from '../../src/runtime/sensor/test-support.js';

/** Alerts can take a while under load: a longer wait than the sensor unit tests'. */
const E2E_WAIT_MS = 20_000;

const reason = containersUnavailableReason();
if (reason) console.warn(`[runtime e2e] skipped: ${reason}`);

const RULE = {
  shell: 'Shell started in container',
  packageManager: 'Package manager run in container',
  systemWrite: 'Write below system directory in container',
  credentialRead: 'Credential file read in container',
  drift: 'Executable not from the image run in container',
} as const;

/** Poll `find` every 50 ms until it returns a value or the deadline passes. */

/** The identity of an alert, as compared between the live watch and the replay. */
const key = (a: Alert) => `${a.rule}\u0000${a.time}\u0000${a.output}`;

/** The complete JSON lines of a CLI's stdout so far. */
const jsonLines = <T>(text: string): T[] =>
  text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

/** The `bulkhead runtime watch` final metrics line, as numbers by name. */
function metrics(stderr: string): Record<string, number> {
  const line = stderr.split('\n').find((l) => l.startsWith('events ')) ?? '';
  return Object.fromEntries([...line.matchAll(/(?:^|, )([a-z ]+?) (\d+)(?=,|$| \()/g)].map((m) => [m[1]!, Number(m[2])]));
}

describe.skipIf(reason !== undefined)('runtime end to end: bulkhead runtime watch --record on a real runc container, then replay', () => {
  let container: RuncContainer | undefined;
  let dir = '';
  let stdout = '';
  let stderr = '';
  /** The running `bulkhead runtime watch`: its exit code once stopped. */
  let watching: Promise<number> | undefined;
  let signalListeners: Record<'SIGINT' | 'SIGTERM', NodeJS.SignalsListener[]> = { SIGINT: [], SIGTERM: [] };
  const alerts = () => jsonLines<Alert>(stdout);
  const mine = () => alerts().filter((a) => a.container?.id === container?.id);
  const alertFor = (rule: string, pred: (a: Alert) => boolean = () => true) => mine().find((a) => a.rule === rule && pred(a));

  /** Ctrl-C: SIGINT to this process, which the watch waits for; resolves with its exit code. */
  async function stopWatch(): Promise<number | undefined> {
    if (!watching) return undefined;
    const w = watching;
    watching = undefined;
    // Only when the watch listens: SIGINT without a listener would end the test process.
    if (process.listenerCount('SIGINT') > signalListeners.SIGINT.length) process.kill(process.pid, 'SIGINT');
    const code = await w;
    // untilSignal() leaves its SIGTERM listener behind: take back what the watch added.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) for (const l of process.listeners(sig)) if (!signalListeners[sig].includes(l)) process.off(sig, l);
    return code;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bh-runtime-e2e-'));
    try {
      const c = await startRuncContainer('debian-bookworm', `bh-e2e-${process.pid}-${Date.now() % 100000}`);
      container = c;
      signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
      const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, isTTY: false, cwd: dir };
      watching = run(['runtime', 'watch', '--format', 'json', '--container', c.id, '--image', `oci:${FIXTURE_LAYOUT}:debian-bookworm`, '--record', 'events.jsonl'], io);
      // The watch says "watching" once every probe is attached; an early exit is a failure with its stderr.
      const exited = watching.then((code) => Promise.reject(new Error(`bulkhead runtime watch exited (${code}) before watching: ${stderr}`)));
      exited.catch(() => undefined);
      await Promise.race([waitFor(() => (stderr.includes('watching (') ? true : undefined), 'the watch to start', 90_000), exited]);
      expect(stderr).toContain('drift on, recording to events.jsonl');
      const steps: string[][] = [
        ['sh', '-c', 'id'],
        ['dpkg', '-l', 'bash'],
        ['sh', '-c', 'echo x > /etc/bh-e2e'],
        ['cat', '/etc/shadow'],
        ['sh', '-c', 'cp /bin/true /tmp/newbin && /tmp/newbin'],
      ];
      for (const args of steps) {
        const r = await c.exec(args);
        if (r.code !== 0) throw new Error(`runc exec ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      }
    } catch (e) {
      await stopWatch().catch(() => undefined);
      await container?.cleanup();
      throw e;
    }
  }, 120_000);

  afterAll(async () => {
    await stopWatch().catch(() => undefined);
    await container?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('raises "Shell started in container" for sh -c id, with the container id and image', async () => {
    const a = await waitFor(() => alertFor(RULE.shell, (x) => /cmdline=sh -c id\b/.test(x.output)), 'the shell alert', E2E_WAIT_MS);
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.priority).toBe('Notice');
    expect(a.tags).toContain('BH-RT-001');
  });

  it('raises "Package manager run in container" for dpkg -l', async () => {
    const a = await waitFor(() => alertFor(RULE.packageManager, (x) => x.output.includes('cmdline=dpkg -l bash')), 'the package manager alert', E2E_WAIT_MS);
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.tags).toContain('BH-RT-002');
  });

  it('raises "Write below system directory in container" for a write to /etc/bh-e2e', async () => {
    const a = await waitFor(() => alertFor(RULE.systemWrite, (x) => x.output.includes('file=/etc/bh-e2e')), 'the /etc write alert', E2E_WAIT_MS);
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.output).toContain('process=sh');
  });

  it('raises "Credential file read in container" for cat /etc/shadow', async () => {
    const a = await waitFor(() => alertFor(RULE.credentialRead, (x) => x.output.includes('file=/etc/shadow')), 'the credential read alert', E2E_WAIT_MS);
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.output).toContain('process=cat');
  });

  it('raises "Executable not from the image run in container" for /tmp/newbin, and not for image binaries', async () => {
    const a = await waitFor(() => alertFor(RULE.drift, (x) => x.output.includes('exe=/tmp/newbin')), 'the drift alert', E2E_WAIT_MS);
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.priority).toBe('Critical');
    // cp, sh, cat, dpkg and id come from the image: no drift alert for them.
    expect(mine().filter((x) => x.rule === RULE.drift).map((x) => /exe=(\S+)/.exec(x.output)?.[1])).toEqual(['/tmp/newbin']);
  });

  it('records every evaluated event with --record, and `bulkhead runtime replay` of the recording gives the same alerts', async () => {
    // All five alerts are in (the tests above waited); stop as Ctrl-C does, which flushes the recording.
    await waitFor(() => (Object.values(RULE).every((r) => alertFor(r)) ? true : undefined), 'every expected alert', E2E_WAIT_MS);
    const code = await stopWatch();
    expect(code, stderr).toBe(1);
    expect(stderr).not.toContain('warning:');
    const m = metrics(stderr);
    expect(m).toMatchObject({ lost: 0, 'drift unknown': 0, alerts: alerts().length });
    expect(m.events).toBeGreaterThan(0);
    expect(stderr).toContain(`recorded ${m.events} events (`);
    expect(stderr).not.toMatch(/stopped at --record-max-bytes|not recorded/);

    const file = path.join(dir, 'events.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const recorded = readFileSync(file, 'utf8');
    expect(recorded.endsWith('\n')).toBe(true);
    expect(recorded.split('\n').length - 1).toBe(m.events);

    let out = '';
    let err = '';
    const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, isTTY: false, cwd: dir };
    const replayCode = await run(['runtime', 'replay', '--strict', '--format', 'json', 'events.jsonl'], io);
    expect(replayCode, err).toBe(1);
    expect(err).toContain(`${m.events} events, 0 invalid, ${alerts().length} alerts`);
    const replayed = jsonLines<Alert>(out);
    expect(replayed.map(key).sort()).toEqual(alerts().map(key).sort());
    for (const rule of Object.values(RULE)) expect(replayed.some((a) => a.rule === rule && a.container?.id === container!.id)).toBe(true);
  });

  it('stops recording at --record-max-bytes, says so once, and keeps watching', async () => {
    stdout = '';
    stderr = '';
    signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, isTTY: false, cwd: dir };
    watching = run(['runtime', 'watch', '--format', 'json', '--container', container!.id, '--record', 'small.jsonl', '--record-max-bytes', '2KiB'], io);
    const exited = watching.then((code) => Promise.reject(new Error(`bulkhead runtime watch exited (${code}) before watching: ${stderr}`)));
    exited.catch(() => undefined);
    await Promise.race([waitFor(() => (stderr.includes('watching (') ? true : undefined), 'the watch to start', 90_000), exited]);
    // A shell start is a few events of ~1 KiB each: the first exec passes the limit.
    expect((await container!.exec(['sh', '-c', 'id'])).code).toBe(0);
    await waitFor(() => (stderr.includes('recording stopped') ? true : undefined), 'the recording to stop', E2E_WAIT_MS);
    // Still watching: the next shell raises its alert too.
    expect((await container!.exec(['sh', '-c', 'echo still-watching'])).code).toBe(0);
    await waitFor(() => alertFor(RULE.shell, (a) => a.output.includes('still-watching')), 'the alert after the limit', E2E_WAIT_MS);
    expect(await stopWatch(), stderr).toBe(1);
    expect(stderr.match(/recording stopped: small\.jsonl reached --record-max-bytes/g)).toHaveLength(1);
    expect(stderr).toMatch(/recorded \d+ events \([^)]*\) to small\.jsonl, stopped at --record-max-bytes, \d+ not recorded, output /);
    const text = readFileSync(path.join(dir, 'small.jsonl'), 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    expect(text === '' || text.endsWith('\n')).toBe(true);
    for (const line of text.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ source: 'syscall', container: { id: container!.id } });
  }, 120_000);
});
