/**
 * Decoding recorded bpftrace 0.17 output (testdata/bpftrace-0.17-records.jsonl)
 * into events, without a kernel: the same path the live sensor takes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../events.js';
import { RecordAssembler } from './assemble.js';
import { EventBuilder } from './build-event.js';
import { textToBytes } from './bytes.js';
import { LineSplitter, parseOutputLine } from './output.js';
import { ProcessTable } from './process-table.js';

function decode(): { events: SyscallEvent[]; malformed: number; ready: boolean; orphaned: number } {
  const assembler = new RecordAssembler({ chunk: 159 });
  const builder = new EventBuilder(new ProcessTable(), 0);
  const events: SyscallEvent[] = [];
  let malformed = 0;
  let ready = false;
  const splitter = new LineSplitter(
    (line) => {
      const msg = parseOutputLine(line);
      if (msg.type === 'malformed') malformed++;
      if (msg.type !== 'tuple') return;
      const r = assembler.add(msg.values);
      if (r.type === 'ready') ready = true;
      if (r.type === 'malformed' || r.type === 'unknown') malformed++;
      if (r.type === 'event') events.push(builder.build(r.event, undefined)!);
    },
    () => malformed++,
  );
  splitter.push(readFileSync(join(import.meta.dirname, 'testdata/bpftrace-0.17-records.jsonl')));
  splitter.end();
  return { events, malformed, ready, orphaned: assembler.orphaned };
}

describe('decoding recorded sensor output', () => {
  const { events, malformed, ready } = decode();

  it('reads every line and sees the ready marker', () => {
    expect(malformed).toBe(0);
    expect(ready).toBe(true);
    expect(events.length).toBeGreaterThan(10);
  });

  it('decodes a hostile executable name and arguments exactly', () => {
    const exec = events.find((e) => e.type === 'execve' && e.proc.exe !== undefined && textToBytes(e.proc.exe).equals(Buffer.from('/tmp/bh-rec/bh"rec\xff', 'latin1')));
    expect(exec).toBeDefined();
    expect(textToBytes(exec!.proc.argv0!)).toEqual(Buffer.from('./bh"rec\xff', 'latin1'));
    expect(exec!.proc.args!.slice(0, 2)).toEqual(['a","uid":0,"x":"b', 'nl\nx']);
    expect(exec!.proc.args![2]).toBe('A'.repeat(318));
    expect(exec!.args).toMatchObject({ argc: 4, truncated: 'arg3' });
    expect(exec!.proc.cwd).toBe('/tmp/bh-rec');
    expect(exec!.proc.uid).toBe(0);
    expect(Object.keys(exec!.proc)).not.toContain('x');
  });

  it('resolves relative chmod, rename and unlink paths against the walked cwd and drops garbage chunks', () => {
    expect(events.find((e) => e.type === 'chmod')?.args).toMatchObject({ path: '/tmp/bh-rec/rel', mode: 0o755 });
    const rename = events.find((e) => e.type === 'rename' && e.args?.oldpath === '/tmp/bh-rec/rel');
    expect(textToBytes(String(rename!.args!.newpath))).toEqual(Buffer.from('/tmp/bh-rec/ren\xff', 'latin1'));
    expect(events.some((e) => e.type === 'unlink' && textToBytes(String(e.args?.path)).equals(Buffer.from('/tmp/bh-rec/ren\xff', 'latin1')))).toBe(true);
  });

  it('decodes IPv6 connect and accept with both ends', () => {
    const connect = events.find((e) => e.type === 'connect' && e.fd?.typechar === '6');
    const accept = events.find((e) => e.type === 'accept' && e.fd?.typechar === '6');
    expect(connect?.fd).toMatchObject({ cip: '::1', sip: '::1', l4proto: 'tcp' });
    expect(accept?.fd).toMatchObject({ cip: '::1', sip: '::1', sport: connect!.fd!.sport, cport: connect!.fd!.cport });
    expect(connect!.fd!.name).toBe(`[::1]:${connect!.fd!.cport}->[::1]:${connect!.fd!.sport}`);
  });

  it('decodes a read of /etc/shadow with its flags', () => {
    const open = events.find((e) => e.type === 'open' && e.fd?.name === '/etc/shadow');
    expect(open?.fd).toMatchObject({ typechar: 'f', openFlags: 0 });
    expect(open?.proc.name).toBe('cat');
  });
});
