/**
 * The sensor against a real runc container made with umoci from the fixture
 * image: each behaviour the rules must catch is triggered with `runc exec`
 * and must arrive as a typed event attributed to the container (id, image,
 * cgroup inode, pid-namespace inode). Drift verdicts use the same container.
 * Needs root, bpftrace, runc and umoci; otherwise skipped with the reason.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../events.js';
import { buildImageFileIndex, checkExec, firstReadable, procRootReader, rootfsReader, type DriftIndex } from '../drift/index.js';
import { Sensor } from './sensor.js';
import { containersUnavailableReason, FIXTURE_LAYOUT, startRuncContainer, waitFor, type RuncContainer } from './test-support.js';

const reason = containersUnavailableReason();
if (reason) console.warn(`[runtime sensor] real-container tests skipped: ${reason}`);

const O_ACCMODE = 3;
const O_WRONLY = 1;


describe.skipIf(reason !== undefined)('sensor and drift with a real runc container', () => {
  let container: RuncContainer | undefined;
  let sensor: Sensor | undefined;
  let index: DriftIndex;
  let server: Server | undefined;
  let port = 0;
  const events: SyscallEvent[] = [];
  const mine = () => events.filter((e) => e.container?.id === container?.id);
  const execOf = (exe: string) => mine().find((e) => e.type === 'execve' && e.proc.exe === exe);

  beforeAll(async () => {
    try {
      server = createServer((s) => s.end());
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
      [container, index] = await Promise.all([startRuncContainer(), buildImageFileIndex(`oci:${FIXTURE_LAYOUT}:debian-bookworm`)]);
      sensor = await Sensor.start({ onEvent: (e) => events.push(e) });
      const c = container;
      const steps: string[][] = [
        ['sh', '-c', 'id'],
        ['dpkg', '-l', 'bash'],
        ['sh', '-c', 'echo x > /etc/bh-test'],
        ['cat', '/etc/shadow'],
        ['sh', '-c', 'cp /bin/true /tmp/newbin && /tmp/newbin'],
        ['ls', '/'],
        ['sh', '-c', 'cp /bin/true /tmp/t2 && chmod 644 /tmp/t2 && chmod +x /tmp/t2'],
        ['sh', '-c', 'touch /var/log/bh.log && mv /var/log/bh.log /var/log/bh.old && rm /var/log/bh.old'],
        ['bash', '-c', `echo hi > /dev/tcp/127.0.0.1/${port}`],
        // Last: a binary of the image changed in place (drift by content).
        ['sh', '-c', 'cat /bin/ls > /usr/bin/true && /usr/bin/true /'],
      ];
      for (const args of steps) {
        const r = await c.exec(args);
        if (r.code !== 0) throw new Error(`runc exec ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      }
      await waitFor(() => mine().find((e) => e.type === 'execve' && e.proc.exe === '/usr/bin/true' && e.proc.args?.[0] === '/'), 'the last exec');
    } catch (e) {
      await sensor?.stop();
      await container?.cleanup();
      server?.close();
      throw e;
    }
  }, 120_000);

  afterAll(async () => {
    await sensor?.stop();
    await container?.cleanup();
    server?.close();
  });

  it('attributes events to the container by cgroup and pid-namespace inode, with the image', () => {
    const c = container!;
    const e = execOf('/usr/bin/id');
    expect(e).toBeDefined();
    const cgroupDir = JSON.parse(readFileSync(`/run/runc/${c.id}/state.json`, 'utf8')).cgroup_paths[''] as string;
    expect(e!.container).toMatchObject({
      id: c.id,
      runtime: 'runc',
      image: 'debian-bookworm',
      imageDigest: 'sha256:42c24435e740689e2afa8568e4c0b29aa75a38f9eb3cef81a9dce028be1b3cac',
      cgroupId: statSync(cgroupDir).ino,
      pidNs: statSync(join('/proc', String(c.pid), 'ns/pid')).ino,
    });
    // Host processes carry no container.
    expect(events.some((x) => x.proc.name === 'runc' && x.container === undefined)).toBe(true);
  });

  it('sees a shell spawned in the container, with its command line and ancestry', () => {
    const sh = mine().find((e) => e.type === 'execve' && e.proc.name === 'sh' && e.proc.args?.join(' ') === '-c id');
    expect(sh?.proc).toMatchObject({ exe: '/usr/bin/dash', argv0: 'sh', cwd: '/', uid: 0 });
    const id = execOf('/usr/bin/id');
    expect(id?.proc.ancestors?.[0]).toBe('sh');
    expect(id?.proc.ancestorPids?.[0]).toBe(sh?.proc.pid);
    expect(id?.proc.stdioIsSocket).toBe(false);
  });

  it('sees a package manager run', () => {
    expect(execOf('/usr/bin/dpkg')?.proc.args).toEqual(['-l', 'bash']);
  });

  it('sees a write below /etc and a read of /etc/shadow, with open flags', () => {
    const write = mine().find((e) => e.type === 'open' && e.fd?.name === '/etc/bh-test');
    expect(write).toBeDefined();
    expect(write!.fd!.openFlags! & O_ACCMODE).toBe(O_WRONLY);
    expect(write!.proc.name).toBe('sh');
    const read = mine().find((e) => e.type === 'open' && e.fd?.name === '/etc/shadow');
    expect(read?.proc.name).toBe('cat');
    expect(read!.fd!.openFlags! & O_ACCMODE).toBe(0);
    expect(read!.res).toBeGreaterThanOrEqual(0);
  });

  it('does not forward ordinary reads (shared libraries)', () => {
    expect(mine().some((e) => e.type === 'open' && e.fd?.name?.startsWith('/usr/lib/x86_64-linux-gnu/libc.so'))).toBe(false);
  });

  it('sees chmod +x, and rename and unlink below /var/log', () => {
    const chmod = mine().find((e) => e.type === 'chmod' && e.args?.path === '/tmp/t2');
    expect(Number(chmod?.args?.mode) & 0o111).not.toBe(0);
    expect(mine().some((e) => e.type === 'rename' && e.args?.oldpath === '/var/log/bh.log' && e.args?.newpath === '/var/log/bh.old')).toBe(true);
    expect(mine().some((e) => e.type === 'unlink' && e.args?.path === '/var/log/bh.old')).toBe(true);
  });

  it('sees an outbound TCP connection with both ends', () => {
    const conn = mine().find((e) => e.type === 'connect' && e.fd?.sport === port);
    expect(conn?.fd).toMatchObject({ typechar: '4', l4proto: 'tcp', sip: '127.0.0.1', cip: '127.0.0.1' });
    expect(conn!.fd!.name).toBe(`127.0.0.1:${conn!.fd!.cport}->127.0.0.1:${port}`);
  });

  it('flags drift: a new binary and a modified one, not an image binary', async () => {
    const c = container!;
    const reader = firstReadable(procRootReader(c.pid), rootfsReader(c.rootfs));
    const newbin = execOf('/tmp/newbin');
    expect(newbin).toBeDefined();
    expect(await checkExec(index, newbin!, reader)).toMatchObject({ status: 'drift', reason: 'not-in-image', path: '/tmp/newbin' });
    const ls = execOf('/usr/bin/ls');
    expect(await checkExec(index, ls!, reader)).toMatchObject({ status: 'ok', reason: 'in-image' });
    const modified = mine().find((e) => e.type === 'execve' && e.proc.exe === '/usr/bin/true' && e.proc.args?.[0] === '/');
    const verdict = await checkExec(index, modified!, reader);
    expect(verdict).toMatchObject({ status: 'drift', reason: 'content-differs', imageSha256: index.files.get('/usr/bin/true')!.sha256 });
    expect(verdict.actualSha256).toBe(index.files.get('/usr/bin/ls')!.sha256);
  });

  it('counts nothing lost, malformed or unknown', () => {
    const m = sensor!.metrics();
    expect(m.events).toBeGreaterThan(0);
    expect(m).toMatchObject({ lost: 0, malformed: 0, unknown: 0, dropped: 0 });
  });
});
