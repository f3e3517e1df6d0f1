import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessTable, readProcEntry } from './process-table.js';

describe('ProcessTable', () => {
  it('seeds itself from the real /proc', () => {
    const t = new ProcessTable();
    expect(t.seedFromProc('/proc')).toBeGreaterThan(1);
    const me = t.get(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.exe).toBe(realpathSync(process.execPath));
    expect(t.ancestry(process.pid).pids[0]).toBe(process.pid);
  });

  const dir = mkdtempSync(join(tmpdir(), 'bh-proc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a comm with spaces and parentheses from /proc/<pid>/stat', () => {
    const p = join(dir, '42');
    mkdirSync(p);
    // Field 4 (ppid) follows the last ")".
    writeFileSync(join(p, 'stat'), '42 (evil) (name ) S 7 42 42 0 -1');
    writeFileSync(join(p, 'cmdline'), 'evil\0--flag\0');
    symlinkSync('/usr/bin/true', join(p, 'exe'));
    expect(readProcEntry(dir, 42)).toMatchObject({ pid: 42, ppid: 7, name: 'evil) (name ', exe: '/usr/bin/true', argv0: 'evil', args: ['--flag'] });
    expect(readProcEntry(dir, 43)).toBeUndefined();
  });

  it('follows ancestry nearest first and stops at loops', () => {
    const t = new ProcessTable();
    t.onExec({ pid: 1, ppid: 0, name: 'init' });
    t.onExec({ pid: 10, ppid: 1, name: 'sh', exe: '/bin/sh' });
    t.onExec({ pid: 20, ppid: 10, name: 'cat' });
    expect(t.ancestry(20)).toEqual({ names: ['cat', 'sh', 'init'], exes: [undefined, '/bin/sh', undefined], pids: [20, 10, 1] });
    t.onExec({ pid: 30, ppid: 31, name: 'a' });
    t.onExec({ pid: 31, ppid: 30, name: 'b' });
    expect(t.ancestry(30).pids).toEqual([30, 31]);
  });

  it('gives a forked child its parent image, and keeps exited processes for a grace period', () => {
    const t = new ProcessTable({ graceMs: 100 });
    t.onExec({ pid: 10, ppid: 1, name: 'bash', exe: '/usr/bin/bash', args: ['-c', 'x'] });
    expect(t.touch(11, 10, 'bash')).toMatchObject({ exe: '/usr/bin/bash', args: ['-c', 'x'] });
    t.onExit(10, 1000);
    expect(t.get(10)).toBeDefined();
    t.onExit(11, 1200);
    expect(t.get(10)).toBeUndefined();
    expect(t.get(11)).toBeDefined();
  });
});
