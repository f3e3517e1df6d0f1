import { describe, expect, it } from 'vitest';
import { RecordAssembler } from './assemble.js';
import { EventBuilder, ipv4, ipv6, normalizePath } from './build-event.js';
import { ProcessTable } from './process-table.js';
import { FIELD, SYS, WALK } from './protocol.js';

describe('address and path helpers', () => {
  it('formats addresses as the kernel stores them (network order in a little-endian word)', () => {
    expect(ipv4(16777343)).toBe('127.0.0.1');
    expect(ipv6([0, 0, 0, 16777216])).toBe('::1');
    expect(ipv6([0, 0, 0xffff0000, 0x0100007f])).toBe('::ffff:127.0.0.1');
    expect(ipv6([0xb80d0120, 0, 0, 0x01000000])).toBe('2001:db8::1');
    expect(ipv6([0xb80d0120, 0x02000100, 0x04000300, 0x06000500])).toBe('2001:db8:1:2:3:4:5:6');
  });

  it('normalises . and .. lexically', () => {
    expect(normalizePath('/tmp/../etc/./shadow')).toBe('/etc/shadow');
    expect(normalizePath('/../../x//y/')).toBe('/x/y');
  });
});

function eventOf(records: Array<Array<string | number>>, table = new ProcessTable()) {
  const a = new RecordAssembler({ chunk: 159 });
  const b = new EventBuilder(table, 1_000);
  let out;
  for (const r of records) {
    const res = a.add(r);
    if (res.type === 'event') out = b.build(res.event, { id: 'c1' });
  }
  return { event: out!, stats: b.stats, table };
}

const ctx = (pid: number, ppid: number, comm: string) => [pid, ppid, 1000, 1000, 77, 4026532179, comm];

describe('EventBuilder', () => {
  it('builds an exec with ancestry, setuid bit and stdio sockets, and updates the process table', () => {
    const table = new ProcessTable();
    table.onExec({ pid: 10, ppid: 1, name: 'bash', exe: '/usr/bin/bash' });
    const { event } = eventOf(
      [
        ['s', 20, 5, FIELD.arg, 0, 0, 'su'],
        ['d', 20, 5, FIELD.exe, 0, 0, 'su'],
        ['d', 20, 5, FIELD.exe, 1, 0, 'bin'],
        ['d', 20, 5, FIELD.exe, 2, 0, 'usr'],
        ['w', 20, 5, FIELD.exe, 3, WALK.root],
        ['w', 20, 5, FIELD.cwd, 0, WALK.root],
        ['X', 20, 5, ...ctx(20, 10, 'su'), 1, 0o104755, 1, 0b111, 4294967295],
      ],
      table,
    );
    expect(event).toMatchObject({ type: 'execve', time: 1_005, container: { id: 'c1' } });
    expect(event.proc).toMatchObject({ pid: 20, exe: '/usr/bin/su', argv0: 'su', args: [], cwd: '/', exeSetuid: true, stdioIsSocket: true, ancestors: ['bash'], ancestorPids: [10] });
    expect(event.proc.loginuid).toBeUndefined();
    expect(table.get(20)?.exe).toBe('/usr/bin/su');
  });

  it('appends " (deleted)" to an exe with no links left, as /proc/<pid>/exe does', () => {
    const { event } = eventOf([
      ['d', 3, 1, FIELD.exe, 0, 0, 'memfd:x'],
      ['w', 3, 1, FIELD.exe, 1, WALK.detached],
      ['X', 3, 1, ...ctx(3, 1, 'x'), 0, 0o100777, 0, 0, 0],
    ]);
    expect(event.proc.exe).toBe('/memfd:x (deleted)');
  });

  it('maps the setuid family onto setuid/setgid with Falco argument names', () => {
    const setres = eventOf([['U', 4, 1, ...ctx(4, 1, 'p'), SYS.setid.setresuid, 1, -1, 3]]).event;
    expect(setres).toMatchObject({ type: 'setuid', args: { ruid: 1, euid: -1, suid: 3, uid: 1 } });
    const setgid = eventOf([['U', 4, 2, ...ctx(4, 1, 'p'), SYS.setid.setgid, 0, -1, -1]]).event;
    expect(setgid).toMatchObject({ type: 'setgid', args: { gid: 0 } });
  });

  it('leaves out a relative path whose base directory could not be walked', () => {
    const { event, stats } = eventOf([
      ['s', 5, 1, FIELD.upath, 0, 0, 'file'],
      ['w', 5, 1, FIELD.base, 24, WALK.depthLimit],
      ['R', 5, 1, ...ctx(5, 1, 'rm'), SYS.unlink.unlinkat, -100, 0],
    ]);
    expect(event.args?.path).toBeUndefined();
    expect(stats.incompletePaths).toBe(1);
  });

  it('names abstract unix sockets with @', () => {
    const { event } = eventOf([
      ['s', 6, 1, FIELD.unixPath, 0, 0, ''],
      ['C', 6, 1, ...ctx(6, 1, 'x'), SYS.socket.connect, 0, 3, 1, ...Array(13).fill(0)],
    ]);
    expect(event.fd).toEqual({ typechar: 'u', name: '@' });
  });
});
