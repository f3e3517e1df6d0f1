/**
 * The real sensor on host processes. Hostile strings: file, process and
 * argument names with quotes, newlines, `%`, JSON fragments, every byte value
 * and paths longer than one bpftrace string must come back exactly, and no
 * field can be injected (the spec's example: a file named
 * `a","uid":0,"x":"b`). Then the syscall families the container test does
 * not reach: setuid, capset, ptrace, mount, memfd_create and an exec from a
 * memfd. Needs root and bpftrace; otherwise skipped with the reason.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../events.js';
import { textToBytes } from './bytes.js';
import { Sensor } from './sensor.js';
import { runAsync, sensorUnavailableReason, waitFor } from './test-support.js';

const reason = sensorUnavailableReason();
if (reason) console.warn(`[runtime sensor] host-process tests skipped: ${reason}`);

const INJECT = 'a","uid":0,"x":"b';
const ALL_BYTES = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1).filter((b) => b !== 0x2f)); // every byte a file name may hold
const LONG_COMPONENT = 'L'.repeat(250);


describe.skipIf(reason !== undefined)('sensor on host processes', () => {
  let sensor: Sensor | undefined;
  let dir: string;
  const events: SyscallEvent[] = [];
  const bytesOf = (s: string | undefined) => (s === undefined ? undefined : textToBytes(s));
  const openOf = (path: Buffer) => events.find((e) => e.type === 'open' && e.fd?.name !== undefined && textToBytes(e.fd.name).equals(path));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bh-hostile-'));
    sensor = await Sensor.start({ containers: false, onEvent: (e) => events.push(e) });
  }, 120_000);

  afterAll(async () => {
    await sensor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives back file names exactly and lets no field be injected', async () => {
    const names = [INJECT, 'new\nline\ttab', '%s%n%x\\"', Buffer.from([0x66, 0xff, 0xfe, 0xc3, 0x28, 0x22]), ALL_BYTES];
    const paths = names.map((n) => Buffer.concat([Buffer.from(`${dir}/`), typeof n === 'string' ? Buffer.from(n) : n]));
    for (const p of paths) {
      const fd = openSync(p, 'w');
      writeSync(fd, 'x');
      closeSync(fd);
    }
    for (const p of paths) {
      const e = await waitFor(() => openOf(p), `the open of ${JSON.stringify(p.toString('latin1'))}`);
      expect(e.proc.pid).toBe(process.pid);
      expect(e.proc.uid).toBe(process.getuid!());
      expect(Object.keys(e.proc)).not.toContain('x');
    }
    expect(sensor!.metrics().malformed).toBe(0);
  });

  it('delivers the end of a burst at once, without waiting for more output', async () => {
    const burst = Array.from({ length: 300 }, (_, i) => Buffer.from(`${dir}/burst-${i}`));
    for (const p of burst) closeSync(openSync(p, 'w'));
    await waitFor(() => (burst.every((p) => openOf(p)) ? true : undefined), 'every open of the burst', 10_000);
  });

  it('resolves paths longer than a bpftrace string, component by component', async () => {
    const deep = Buffer.from(`${dir}/${LONG_COMPONENT}/${LONG_COMPONENT}/${LONG_COMPONENT}`);
    mkdirSync(Buffer.from(`${dir}/${LONG_COMPONENT}/${LONG_COMPONENT}`), { recursive: true });
    closeSync(openSync(deep, 'w'));
    const e = await waitFor(() => openOf(deep), 'the open of a 760-byte path');
    expect(bytesOf(e.fd!.name)!.length).toBe(deep.length);
  });

  it('leaves out a path deeper than the walk limit and counts it, rather than guessing', async () => {
    const deep = join(dir, ...Array.from({ length: 45 }, () => 'd'));
    mkdirSync(deep, { recursive: true });
    const before = sensor!.metrics().incompletePaths;
    closeSync(openSync(join(deep, 'f'), 'w'));
    closeSync(openSync(join(dir, 'after-deep'), 'w'));
    await waitFor(() => openOf(Buffer.from(join(dir, 'after-deep'))), 'the open after the deep one');
    expect(events.some((e) => e.type === 'open' && e.proc.pid === process.pid && e.fd?.name === undefined)).toBe(true);
    expect(sensor!.metrics().incompletePaths).toBeGreaterThan(before);
  });

  it('gives back process names, argv and chmod/rename/unlink paths exactly', async () => {
    // bash's $'…' quoting writes raw bytes, which JavaScript strings cannot.
    const script = [
      `cd '${dir}'`,
      `cp /bin/true $'x"y\\n%s\\xff'`,
      `$'./x"y\\n%s\\xff' ${JSON.stringify(INJECT)} $'\\x01\\x7f\\xfe' ${'A'.repeat(400)}`,
      `chmod 755 $'rel\\xffative' 2>/dev/null; touch $'rel\\xffative' && chmod 755 $'rel\\xffative'`,
      `mv $'rel\\xffative' 'moved "name"' && rm 'moved "name"'`,
    ].join('\n');
    const r = await runAsync('/bin/bash', ['-c', script]);
    expect(r.code).toBe(0);
    const exeName = Buffer.concat([Buffer.from(`${dir}/x"y\n%s`), Buffer.from([0xff])]);
    const exec = await waitFor(() => events.find((e) => e.type === 'execve' && e.proc.exe !== undefined && textToBytes(e.proc.exe).equals(exeName)), 'the exec of the hostile binary');
    expect(bytesOf(exec.proc.argv0)).toEqual(Buffer.concat([Buffer.from('./x"y\n%s'), Buffer.from([0xff])]));
    expect(exec.proc.args![0]).toBe(INJECT);
    expect(bytesOf(exec.proc.args![1])).toEqual(Buffer.from([0x01, 0x7f, 0xfe]));
    // Arguments are read up to two chunks (318 bytes) and the cut is recorded.
    expect(exec.proc.args![2]).toBe('A'.repeat(318));
    expect(String(exec.args?.truncated)).toContain('arg3');
    // comm is the kernel's 15-byte task name.
    expect(bytesOf(exec.proc.name)).toEqual(exeName.subarray(dir.length + 1, dir.length + 1 + 15));
    const relative = Buffer.concat([Buffer.from(`${dir}/rel`), Buffer.from([0xff]), Buffer.from('ative')]);
    const chmod = await waitFor(() => events.find((e) => e.type === 'chmod' && typeof e.args?.path === 'string' && textToBytes(e.args.path).equals(relative)), 'the chmod');
    expect(Number(chmod.args!.mode)).toBe(0o755);
    const rename = await waitFor(() => events.find((e) => e.type === 'rename' && e.args?.newpath === `${dir}/moved "name"`), 'the rename');
    expect(bytesOf(String(rename.args!.oldpath))).toEqual(relative);
    await waitFor(() => events.find((e) => e.type === 'unlink' && e.args?.path === `${dir}/moved "name"`), 'the unlink');
    expect(sensor!.metrics()).toMatchObject({ malformed: 0, unknown: 0 });
  });

  it('sees setuid, capset, ptrace, mount, memfd_create and a fileless exec', async () => {
    const marker = `bh-${process.pid}`;
    const perl = (code: string) => runAsync('perl', ['-e', code]);
    expect((await runAsync('setpriv', ['--reuid=65534', '--inh-caps=-all', 'true'])).code).toBe(0);
    expect((await perl('syscall(101, 0, 0, 0, 0)')).code).toBe(0); // ptrace(PTRACE_TRACEME)
    expect((await runAsync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs ${marker} /mnt`])).code).toBe(0);
    // memfd_create, then exec what was written into it (fileless execution).
    const fileless = `my $n="${marker}"; my $fd=syscall(319,$n,0); open(my $f,">&=",$fd) or die; open(my $t,"<","/bin/true") or die; binmode $t; local $/; print $f scalar(<$t>); $f->flush(); exec {"/proc/self/fd/$fd"} "fileless" or die`;
    expect((await perl(fileless)).code).toBe(0);

    const setuid = await waitFor(() => events.find((e) => e.type === 'setuid' && e.proc.name === 'setpriv'), 'setuid');
    expect(setuid.args).toMatchObject({ uid: 65534 });
    const capset = await waitFor(() => events.find((e) => e.type === 'capset' && e.proc.name === 'setpriv'), 'capset');
    expect(capset.res).toBe(0);
    expect(typeof capset.args?.cap_effective).toBe('number');
    const ptrace = await waitFor(() => events.find((e) => e.type === 'ptrace' && e.proc.name === 'perl'), 'ptrace');
    expect(ptrace.args).toMatchObject({ request: 0 });
    const mount = await waitFor(() => events.find((e) => e.type === 'mount' && e.args?.source === marker), 'mount');
    expect(mount.args).toMatchObject({ target: '/mnt', fstype: 'tmpfs' });
    const memfd = await waitFor(() => events.find((e) => e.type === 'memfd_create' && e.args?.name === marker), 'memfd_create');
    expect(memfd.fd).toEqual({ typechar: 'm', name: `memfd:${marker}` });
    const exec = await waitFor(() => events.find((e) => e.type === 'execve' && e.proc.argv0 === 'fileless'), 'the exec from the memfd');
    expect(exec.proc.exe).toBe(`/memfd:${marker} (deleted)`);
  });
});
