/**
 * End to end: a real runc container from the debian-bookworm fixture,
 * `startWatch` (bpftrace sensor + drift index of the same image + the default
 * rules), and `runc exec` of what the default rules must catch. Every event
 * the rules saw (after drift marking) is recorded as JSON lines, and
 * `bulkhead runtime replay` over that file must raise the same alerts.
 * Needs root, bpftrace (BTF), runc and umoci; otherwise skipped with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import type { SyscallEvent } from '../../src/runtime/events.js';
import { buildImageFileIndex } from '../../src/runtime/drift/index.js';
import { defaultRuleFile, loadRules, type Alert, type RuleSet } from '../../src/runtime/rules/index.js';
import { containersUnavailableReason, FIXTURE_LAYOUT, startRuncContainer, type RuncContainer } from '../../src/runtime/sensor/test-support.js';
import { startWatch, type Watch } from '../../src/runtime/watch.js';

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
async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The identity of an alert, as compared between the live watch and the replay. */
const key = (a: Alert) => `${a.rule}\u0000${a.time}\u0000${a.output}`;

describe.skipIf(reason !== undefined)('runtime end to end: sensor + drift + default rules on a real runc container', () => {
  let container: RuncContainer | undefined;
  let watch: Watch | undefined;
  let dir = '';
  const alerts: Alert[] = [];
  /** Every event of the container as the rules saw it (drift already marked), as JSON lines. */
  const recorded: string[] = [];
  const errors: Error[] = [];
  const mine = () => alerts.filter((a) => a.container?.id === container?.id);
  const alertFor = (rule: string, pred: (a: Alert) => boolean = () => true) => mine().find((a) => a.rule === rule && pred(a));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bh-runtime-e2e-'));
    try {
      const [c, drift] = await Promise.all([startRuncContainer('debian-bookworm', `bh-e2e-${process.pid}-${Date.now() % 100000}`), buildImageFileIndex(`oci:${FIXTURE_LAYOUT}:debian-bookworm`)]);
      container = c;
      const rules = loadRules([defaultRuleFile()]);
      // Record what the rule engine is handed: the sensor's event after drift marking.
      const recording = {
        evaluate(event: SyscallEvent) {
          recorded.push(JSON.stringify(event));
          return rules.evaluate(event);
        },
      } as unknown as RuleSet;
      watch = await startWatch({ rules: recording, drift, containers: [c.id], onAlert: (a) => void alerts.push(a), onError: (e) => errors.push(e) });
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
      await watch?.stop();
      await container?.cleanup();
      throw e;
    }
  }, 90_000);

  afterAll(async () => {
    await watch?.stop().catch(() => undefined);
    await container?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('raises "Shell started in container" for sh -c id, with the container id and image', async () => {
    const a = await waitFor(() => alertFor(RULE.shell, (x) => /cmdline=sh -c id\b/.test(x.output)), 'the shell alert');
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.priority).toBe('Notice');
    expect(a.tags).toContain('BH-RT-001');
  });

  it('raises "Package manager run in container" for dpkg -l', async () => {
    const a = await waitFor(() => alertFor(RULE.packageManager, (x) => x.output.includes('cmdline=dpkg -l bash')), 'the package manager alert');
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.tags).toContain('BH-RT-002');
  });

  it('raises "Write below system directory in container" for a write to /etc/bh-e2e', async () => {
    const a = await waitFor(() => alertFor(RULE.systemWrite, (x) => x.output.includes('file=/etc/bh-e2e')), 'the /etc write alert');
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.output).toContain('process=sh');
  });

  it('raises "Credential file read in container" for cat /etc/shadow', async () => {
    const a = await waitFor(() => alertFor(RULE.credentialRead, (x) => x.output.includes('file=/etc/shadow')), 'the credential read alert');
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.output).toContain('process=cat');
  });

  it('raises "Executable not from the image run in container" for /tmp/newbin, and not for image binaries', async () => {
    const a = await waitFor(() => alertFor(RULE.drift, (x) => x.output.includes('exe=/tmp/newbin')), 'the drift alert');
    expect(a.container).toMatchObject({ id: container!.id, image: 'debian-bookworm' });
    expect(a.priority).toBe('Critical');
    // cp, sh, cat, dpkg and id come from the image: no drift alert for them.
    expect(mine().filter((x) => x.rule === RULE.drift).map((x) => /exe=(\S+)/.exec(x.output)?.[1])).toEqual(['/tmp/newbin']);
    expect(watch!.stats().driftUnknown).toBe(0);
  });

  it('gives the same alerts through `bulkhead runtime replay` on the recorded events', async () => {
    // All five alerts are in (the tests above waited); stop so the recording is complete.
    await waitFor(() => (Object.values(RULE).every((r) => alertFor(r)) ? true : undefined), 'every expected alert');
    const stats = await watch!.stop();
    watch = undefined;
    expect(errors).toEqual([]);
    expect(stats.sensor.lost).toBe(0);
    expect(recorded.length).toBe(stats.events);
    const file = path.join(dir, 'events.jsonl');
    writeFileSync(file, `${recorded.join('\n')}\n`);

    let stdout = '';
    let stderr = '';
    const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, isTTY: false, cwd: dir };
    const code = await run(['runtime', 'replay', '--format', 'json', file], io);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`${recorded.length} events, 0 invalid, ${alerts.length} alerts`);
    const replayed = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Alert);
    expect(replayed.map(key).sort()).toEqual(alerts.map(key).sort());
    for (const rule of Object.values(RULE)) expect(replayed.some((a) => a.rule === rule && a.container?.id === container!.id)).toBe(true);
  });
});
