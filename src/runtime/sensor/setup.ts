/**
 * What the sensor needs from the machine, checked before bpftrace starts, so
 * that a failure says exactly what is missing: the bpftrace binary, root or
 * CAP_BPF+CAP_PERFMON, kernel BTF, and tracefs (mounted here when absent).
 * Also learns the kernel facts the program generator adapts to: which
 * tracepoints exist, whether sched_process_exit has `group_dead`, the layout
 * of `struct mount` (for crossing mount points in path walks) and of
 * kernel_cap_t.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { BulkheadError } from '../../core/errors.js';
import type { ProgramOptions } from './program.js';

const run = promisify(execFile);

export interface SensorEnvironment {
  bpftrace: string;
  bpftraceVersion: string;
  tracefs: string;
  /** The sensor mounted tracefs itself. */
  mountedTracefs: boolean;
  /** Facts for generateProgram. */
  kernel: Pick<ProgramOptions, 'mountOffset' | 'exitGroupDead' | 'capLayout' | 'hasTracepoint'>;
  /** Things that work but less well (e.g. no mount crossing in paths). */
  warnings: string[];
}

export interface SetupOptions {
  /** bpftrace binary; searched in PATH when absent. */
  bpftrace?: string;
  /** Where tracefs is or gets mounted. */
  tracefs?: string;
  btfPath?: string;
  procRoot?: string;
  /** Mount tracefs when it is not mounted (default true). */
  mountTracefs?: boolean;
}

const CAP_SYS_ADMIN = 21;
const CAP_PERFMON = 38;
const CAP_BPF = 39;

export function findInPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Effective capabilities from /proc/<self>/status (CapEff, hex). */
export function effectiveCapabilities(statusText: string): bigint {
  const m = /^CapEff:\s*([0-9a-fA-F]+)$/m.exec(statusText);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

export function hasCapability(caps: bigint, cap: number): boolean {
  return ((caps >> BigInt(cap)) & 1n) === 1n;
}

function tracefsReady(dir: string): boolean {
  try {
    return readdirSync(join(dir, 'events')).length > 0;
  } catch {
    return false;
  }
}

/** `struct mount` as `bpftrace -lv` prints it: `mnt` follows mnt_hash, mnt_parent, mnt_mountpoint (offset 32 on 64-bit). */
export function mountOffsetFrom(structText: string): number | undefined {
  const fields = structText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.endsWith(';'));
  const expected = [/^struct hlist_node mnt_hash;$/, /^struct mount \*mnt_parent;$/, /^struct dentry \*mnt_mountpoint;$/, /^struct vfsmount mnt;$/];
  return expected.every((re, i) => re.test(fields[i] ?? '')) ? 32 : undefined;
}

export function capLayoutFor(kernelRelease: string): 'val' | 'cap' {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (!m) return 'val';
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > 6 || (maj === 6 && min >= 3) ? 'val' : 'cap';
}

/** Root, or CAP_BPF with CAP_PERFMON (Linux 5.8+), or CAP_SYS_ADMIN; else SENSOR_UNAVAILABLE saying which. */
export function checkPrivileges(uid: number, caps: bigint, where: string): void {
  if (uid === 0) return;
  if ((hasCapability(caps, CAP_BPF) && hasCapability(caps, CAP_PERFMON)) || hasCapability(caps, CAP_SYS_ADMIN)) return;
  const missing = [!hasCapability(caps, CAP_BPF) && 'CAP_BPF', !hasCapability(caps, CAP_PERFMON) && 'CAP_PERFMON'].filter(Boolean).join(' and ');
  throw new BulkheadError('SENSOR_UNAVAILABLE', `not allowed to load eBPF programs: not root (uid ${uid}) and no ${missing} (or CAP_SYS_ADMIN)`, {
    where: `${where} CapEff=${caps.toString(16)}`,
    hint: 'run `bulkhead runtime watch` as root, or grant the capabilities (e.g. `setcap cap_bpf,cap_perfmon,cap_sys_admin+ep`); in a container run it privileged with the host pid namespace',
  });
}

export async function prepareSensorEnvironment(options: SetupOptions = {}): Promise<SensorEnvironment> {
  const warnings: string[] = [];
  const bpftrace = options.bpftrace ?? findInPath('bpftrace');
  if (!bpftrace || !existsSync(bpftrace)) {
    throw new BulkheadError('TOOL_MISSING', 'bpftrace is not installed', {
      where: options.bpftrace ?? 'PATH',
      hint: 'install it (Debian/Ubuntu: `apt-get install bpftrace`) or pass its path',
    });
  }
  let bpftraceVersion: string;
  try {
    bpftraceVersion = (await run(bpftrace, ['--version'], { timeout: 10_000 })).stdout.trim();
  } catch (e) {
    throw new BulkheadError('TOOL_MISSING', `${bpftrace} does not run: ${(e as Error).message}`, { where: bpftrace, hint: 'reinstall bpftrace' });
  }

  const procRoot = options.procRoot ?? '/proc';
  let caps = 0n;
  try {
    caps = effectiveCapabilities(readFileSync(join(procRoot, 'self/status'), 'utf8'));
  } catch {
    // no /proc: the uid test below decides
  }
  checkPrivileges(process.getuid?.() ?? -1, caps, `${procRoot}/self/status`);

  const btf = options.btfPath ?? '/sys/kernel/btf/vmlinux';
  if (!existsSync(btf)) {
    throw new BulkheadError('SENSOR_UNAVAILABLE', 'the kernel has no BTF type information', {
      where: btf,
      hint: 'the sensor reads kernel structures by name and needs a kernel built with CONFIG_DEBUG_INFO_BTF=y (standard in Debian 11+, Ubuntu 20.10+, RHEL 8.2+)',
    });
  }

  let tracefs = options.tracefs ?? '/sys/kernel/tracing';
  let mountedTracefs = false;
  if (!tracefsReady(tracefs)) {
    if (!options.tracefs && tracefsReady('/sys/kernel/debug/tracing')) {
      tracefs = '/sys/kernel/debug/tracing';
    } else if (options.mountTracefs === false) {
      throw new BulkheadError('SENSOR_UNAVAILABLE', 'tracefs is not mounted', { where: tracefs, hint: `mount it: mount -t tracefs nodev ${tracefs}` });
    } else {
      try {
        await run('mount', ['-t', 'tracefs', 'nodev', tracefs], { timeout: 10_000 });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new BulkheadError('SENSOR_UNAVAILABLE', `tracefs is not mounted and mounting it failed: ${(err.stderr || err.message).trim()}`, {
          where: tracefs,
          hint: `mount it yourself (mount -t tracefs nodev ${tracefs}); in a container, bind-mount the host's /sys/kernel/tracing or run privileged`,
        });
      }
      if (!tracefsReady(tracefs)) {
        throw new BulkheadError('SENSOR_UNAVAILABLE', 'tracefs was mounted but lists no events', { where: tracefs, hint: 'the kernel may lack CONFIG_FTRACE_SYSCALLS / tracepoint support' });
      }
      mountedTracefs = true;
    }
  }

  const hasTracepoint = (category: string, name: string) => existsSync(join(tracefs, 'events', category, name));
  for (const needed of [['sched', 'sched_process_exec'], ['syscalls', 'sys_exit_openat']] as const) {
    if (!hasTracepoint(needed[0], needed[1])) {
      throw new BulkheadError('SENSOR_UNAVAILABLE', `the kernel has no tracepoint ${needed.join(':')}`, {
        where: join(tracefs, 'events', ...needed),
        hint: 'the sensor needs syscall tracepoints (CONFIG_FTRACE_SYSCALLS=y)',
      });
    }
  }
  let exitGroupDead = false;
  try {
    exitGroupDead = readFileSync(join(tracefs, 'events/sched/sched_process_exit/format'), 'utf8').includes('group_dead');
  } catch {
    // older kernels: the leader's exit stands for the process
  }
  let mountOffset: number | undefined;
  try {
    mountOffset = mountOffsetFrom((await run(bpftrace, ['-lv', 'struct mount'], { timeout: 30_000 })).stdout);
  } catch {
    mountOffset = undefined;
  }
  if (mountOffset === undefined) warnings.push('struct mount has an unexpected layout: paths on other mounts than the root (volumes, /proc, /dev) will be reported as unknown');
  return {
    bpftrace,
    bpftraceVersion,
    tracefs,
    mountedTracefs,
    kernel: { mountOffset, exitGroupDead, capLayout: capLayoutFor(release()), hasTracepoint },
    warnings,
  };
}
