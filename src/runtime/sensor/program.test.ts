import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateProgram } from './program.js';
import { MAIN } from './protocol.js';
import { sensorUnavailableReason } from './test-support.js';

const reason = sensorUnavailableReason();
if (reason) console.warn(`[runtime sensor] bpftrace load test skipped: ${reason}`);

describe('generateProgram', () => {
  const p = generateProgram({ mountOffset: 32, exitGroupDead: true });

  it('prints every main record and only tuples, never printf', () => {
    for (const code of Object.keys(MAIN)) expect(p.text).toContain(`print(("${code}", tid, $t,`);
    expect(p.text).not.toMatch(/printf\s*\(/);
    expect(p.text.indexOf('BEGIN')).toBeLessThan(p.text.indexOf('tracepoint:'));
  });

  it('sizes strings and the perf buffer', () => {
    expect(p.env).toMatchObject({ BPFTRACE_STRLEN: '160', BPFTRACE_PERF_RB_PAGES: '1024' });
    expect(p.chunk).toBe(159);
    expect(() => generateProgram({ strlen: 256 })).toThrow(/strlen/);
  });

  it('leaves out probes whose tracepoints the kernel lacks, saying which', () => {
    const q = generateProgram({ hasTracepoint: (cat, name) => !['sys_enter_init_module', 'sys_exit_openat2', 'sys_enter_finit_module'].includes(name) });
    expect(q.skipped.map((s) => s.probe)).toEqual(expect.arrayContaining(['syscalls:sys_enter_init_module', 'syscalls:sys_enter_finit_module', 'syscalls:sys_enter_openat2']));
    expect(q.skipped.find((s) => s.probe === 'syscalls:sys_enter_openat2')?.reason).toContain('sys_exit_openat2');
    expect(q.tracepoints).toContain('syscalls:sys_exit_openat');
    expect(q.tracepoints).not.toContain('syscalls:sys_exit_openat2');
    expect(q.text).not.toContain('sys_enter_init_module');
  });

  it('filters by cgroup in the kernel when asked', () => {
    const q = generateProgram({ cgroupIds: [63, 64] });
    expect(q.text).toContain('tracepoint:sched:sched_process_exec /(cgroup == 63 || cgroup == 64)/');
  });

  it('forwards all reads only when asked', () => {
    expect(p.text).toContain('$c4 = $c3; $c3 = $c2;');
    expect(generateProgram({ forwardAllOpens: true }).text).not.toContain('$c4 = $c3');
  });

  it('stops walks at mount roots when the struct mount layout is unknown', () => {
    const q = generateProgram({});
    expect(q.text).not.toContain('struct mount *');
    expect(q.text).toContain('$ws = 3; break;');
  });

  it('uses the sched_process_exit field the kernel has', () => {
    expect(p.text).toContain('tracepoint:sched:sched_process_exit /(args->group_dead)/');
    expect(generateProgram({ exitGroupDead: false }).text).toContain('tracepoint:sched:sched_process_exit /(pid == tid)/');
  });
});

/** Load a program into the kernel and wait for its BEGIN record: the verifier accepted every probe. */
function loads(text: string, env: Record<string, string>): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bpftrace', ['--no-warnings', '-f', 'json', '-'], { env: { ...process.env, ...env } });
    let stderr = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"data": ["B",')) child.kill('SIGINT');
    });
    child.on('exit', () => resolve({ ok: out.includes('"data": ["B",'), stderr }));
    child.stdin.end(text);
  });
}

describe.skipIf(reason !== undefined)('the generated program in the kernel', () => {
  it('passes the verifier without mount crossing, with forwardAllOpens and a cgroup filter', async () => {
    const q = generateProgram({
      forwardAllOpens: true,
      cgroupIds: [1],
      cwd: false,
      exitGroupDead: false,
      hasTracepoint: (cat, name) => existsSync(`/sys/kernel/tracing/events/${cat}/${name}`),
    });
    const r = await loads(q.text, q.env);
    expect(r.stderr.split('\n').filter((l) => l && !/RLIMIT_MEMLOCK/.test(l))).toEqual([]);
    expect(r.ok).toBe(true);
  }, 120_000);
});
