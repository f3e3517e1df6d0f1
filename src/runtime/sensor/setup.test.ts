import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { capLayoutFor, checkPrivileges, effectiveCapabilities, findInPath, hasCapability, mountOffsetFrom, prepareSensorEnvironment } from './setup.js';
import { sensorUnavailableReason } from './test-support.js';

const reason = sensorUnavailableReason();
if (reason) console.warn(`[runtime sensor] set-up tests on the real machine skipped: ${reason}`);

describe('privileges', () => {
  it('reads CapEff from /proc/<pid>/status', () => {
    const caps = effectiveCapabilities('Name:\tx\nCapEff:\t000000c000200000\n');
    expect(hasCapability(caps, 21)).toBe(true); // CAP_SYS_ADMIN
    expect(hasCapability(caps, 38)).toBe(true); // CAP_PERFMON
    expect(hasCapability(caps, 39)).toBe(true); // CAP_BPF
    expect(hasCapability(caps, 1)).toBe(false);
    expect(effectiveCapabilities('no caps here')).toBe(0n);
  });

  it('accepts root, CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN, and names what is missing otherwise', () => {
    expect(() => checkPrivileges(0, 0n, 'x')).not.toThrow();
    expect(() => checkPrivileges(1000, (1n << 39n) | (1n << 38n), 'x')).not.toThrow();
    expect(() => checkPrivileges(1000, 1n << 21n, 'x')).not.toThrow();
    try {
      checkPrivileges(1000, 1n << 39n, '/proc/self/status');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BulkheadError);
      const err = e as BulkheadError;
      expect(err.code).toBe('SENSOR_UNAVAILABLE');
      expect(err.message).toContain('CAP_PERFMON');
      expect(err.message).not.toContain('CAP_BPF and');
      expect(err.where).toContain('/proc/self/status');
      expect(err.hint).toMatch(/root/);
    }
  });
});

describe('kernel facts', () => {
  it('finds the offset of mnt in struct mount from bpftrace -lv (recorded on 6.18)', () => {
    const recorded = readFileSync(join(import.meta.dirname, 'testdata/struct-mount-6.18.txt'), 'utf8');
    expect(mountOffsetFrom(recorded)).toBe(32);
    expect(mountOffsetFrom(recorded.replace('struct mount *mnt_parent;', 'struct mount *mnt_parent;\n\tint extra;'))).toBeUndefined();
    expect(mountOffsetFrom('')).toBeUndefined();
  });

  it('knows when kernel_cap_t became a u64', () => {
    expect(capLayoutFor('6.18.44-fc')).toBe('val');
    expect(capLayoutFor('6.3.0')).toBe('val');
    expect(capLayoutFor('6.2.16')).toBe('cap');
    expect(capLayoutFor('5.10.0-35-amd64')).toBe('cap');
  });

  it('finds executables in PATH', () => {
    expect(findInPath('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/);
    expect(findInPath('no-such-tool-bh', '/bin:/usr/bin')).toBeUndefined();
  });
});

describe('prepareSensorEnvironment', () => {
  it('says TOOL_MISSING with the install command when bpftrace is absent', async () => {
    await expect(prepareSensorEnvironment({ bpftrace: '/nonexistent/bpftrace' })).rejects.toMatchObject({ code: 'TOOL_MISSING', hint: expect.stringContaining('apt-get install bpftrace') });
  });

  describe.skipIf(reason !== undefined)('on this machine', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) {
        try {
          execFileSync('umount', [d]);
        } catch {
          // not mounted
        }
        rmSync(d, { recursive: true, force: true });
      }
    });

    it('says exactly that BTF is missing', async () => {
      await expect(prepareSensorEnvironment({ btfPath: '/nonexistent/vmlinux' })).rejects.toMatchObject({ code: 'SENSOR_UNAVAILABLE', where: '/nonexistent/vmlinux', message: expect.stringContaining('BTF') });
    });

    it('mounts tracefs where it is absent and learns the kernel facts', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bh-tracefs-'));
      dirs.push(dir);
      const env = await prepareSensorEnvironment({ tracefs: dir });
      expect(env.mountedTracefs).toBe(true);
      expect(env.tracefs).toBe(dir);
      expect(env.kernel.hasTracepoint!('sched', 'sched_process_exec')).toBe(true);
      expect(env.kernel.hasTracepoint!('syscalls', 'sys_enter_no_such_call')).toBe(false);
      expect(env.kernel.mountOffset).toBe(32);
      expect(env.bpftraceVersion).toMatch(/bpftrace v\d/);
    });

    it('reports a failed tracefs mount with the reason', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bh-tracefs-'));
      dirs.push(dir);
      const file = join(dir, 'not-a-directory');
      writeFileSync(file, '');
      await expect(prepareSensorEnvironment({ tracefs: file })).rejects.toMatchObject({ code: 'SENSOR_UNAVAILABLE', message: expect.stringContaining('mounting it failed'), where: file });
    });
  });
});
