import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import type { SyscallEvent } from './events.js';
import { EventRecorder, parseByteSize } from './recorder.js';
import { defaultRuleFile, loadRules, replay } from './rules/index.js';
import { connect, exec, open, O_RDONLY } from './rules/testdata/events.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'bh-recorder-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const rules = loadRules([defaultRuleFile()]);
const events = (): SyscallEvent[] => [
  exec('/bin/bash', ['-c', 'id'], { proc: { ancestors: ['runc'] } }),
  open('/etc/shadow', O_RDONLY, { proc: { name: 'cat' } }),
  connect('198.51.100.1', 3333),
  exec('/usr/bin/dpkg', ['-l'], { proc: { ancestors: ['runc'] } }),
];
const key = (a: { rule: string; time: string; output: string }) => `${a.rule}\u0000${a.time}\u0000${a.output}`;

/** Text as the sensor decodes it: any code point, and lone surrogates U+DC80+byte for bytes that are not UTF-8. */
const hostile = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer({ min: 0x80, max: 0xff }).map((b) => String.fromCharCode(0xdc00 + b))), { maxLength: 6 })
  .map((parts) => parts.join(''));

describe('EventRecorder', () => {
  it('writes one JSON line per event to a new 0600 file, and replay raises the same alerts', async () => {
    const file = path.join(tempDir(), 'events.jsonl');
    const rec = EventRecorder.create(file, { flushIntervalMs: 0 });
    const live = [];
    for (const e of events()) {
      rec.record(e);
      live.push(...rules.evaluate(e));
    }
    const stats = rec.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(stats).toEqual({ path: file, events: 4, bytes: Buffer.byteLength(text), skipped: 0 });
    expect(text.split('\n')).toHaveLength(5);
    expect(live.length).toBeGreaterThanOrEqual(3);
    const r = await replay(Readable.from([readFileSync(file)]), rules);
    expect(r).toMatchObject({ events: 4, invalid: 0 });
    expect(r.alerts.map(key)).toEqual(live.map(key));
  });

  it('round-trips hostile process strings (lone surrogates for non-UTF-8 bytes, newlines, quotes)', async () => {
    const dir = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { maxLength: 5 }), hostile, async (args, cwd) => {
        const file = path.join(dir, `e${n++}.jsonl`);
        const e = exec('/bin/sh', args, { proc: { cwd, ancestors: ['runc'] } });
        const rec = EventRecorder.create(file, { flushIntervalMs: 0 });
        rec.record(e);
        rec.close();
        const r = await replay(Readable.from([readFileSync(file)]), rules);
        expect(r).toMatchObject({ lines: 1, events: 1, invalid: 0 });
        expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(e);
      }),
      { numRuns: 60 },
    );
  });

  it('holds lines in memory until a block is full or close() flushes them', () => {
    const file = path.join(tempDir(), 'events.jsonl');
    const rec = EventRecorder.create(file, { flushIntervalMs: 0, flushBytes: 1 << 20 });
    rec.record(events()[0]!);
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(rec.stats().events).toBe(0);
    rec.flush();
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(2);
    rec.record(events()[1]!);
    expect(rec.close().events).toBe(2);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(3);
    rec.record(events()[2]!);
    expect(rec.stats()).toMatchObject({ events: 2, skipped: 1 });
  });

  it('stops at maxBytes on a whole line, says so once, and counts what it did not record', () => {
    const file = path.join(tempDir(), 'events.jsonl');
    const line = `${JSON.stringify(events()[0])}\n`;
    const max = Buffer.byteLength(line) * 2 + 10;
    const limits: number[] = [];
    const rec = EventRecorder.create(file, { maxBytes: max, flushIntervalMs: 0, onLimit: (s) => limits.push(s.bytes) });
    for (let i = 0; i < 5; i++) rec.record(events()[0]!);
    const stats = rec.close();
    expect(stats).toMatchObject({ events: 2, skipped: 3, stopped: 'limit', bytes: Buffer.byteLength(line) * 2 });
    expect(limits).toEqual([Buffer.byteLength(line) * 2]);
    expect(readFileSync(file, 'utf8')).toBe(line + line);
    expect(statSync(file).size).toBeLessThanOrEqual(max);
  });

  it('refuses an existing file and leaves it as it was', () => {
    const file = path.join(tempDir(), 'events.jsonl');
    writeFileSync(file, 'keep me\n');
    expect(() => EventRecorder.create(file)).toThrow(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('refuses a symbolic link, to an existing file or dangling, and writes nothing through it', () => {
    const dir = tempDir();
    const target = path.join(dir, 'target');
    writeFileSync(target, 'keep me\n');
    const link = path.join(dir, 'link.jsonl');
    symlinkSync(target, link);
    const dangling = path.join(dir, 'dangling.jsonl');
    symlinkSync(path.join(dir, 'nowhere'), dangling);
    for (const f of [link, dangling]) {
      let err: unknown;
      try {
        EventRecorder.create(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BulkheadError);
      expect((err as BulkheadError).code).toBe('USAGE');
      expect((err as BulkheadError).message).toMatch(/symbolic link/);
    }
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });

  it('fails with an IO error when the directory does not exist, and rejects a bad limit', () => {
    const dir = tempDir();
    expect(() => EventRecorder.create(path.join(dir, 'no/such/dir/e.jsonl'))).toThrow(expect.objectContaining({ code: 'IO' }));
    expect(() => EventRecorder.create(path.join(dir, 'e.jsonl'), { maxBytes: 0 })).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(existsSync(path.join(dir, 'e.jsonl'))).toBe(false);
  });

  it('discard() removes the file it created', () => {
    const file = path.join(tempDir(), 'events.jsonl');
    const rec = EventRecorder.create(file, { flushIntervalMs: 0 });
    rec.record(events()[0]!);
    rec.discard();
    expect(() => lstatSync(file)).toThrow();
  });
});

describe('parseByteSize', () => {
  it.each([
    ['1048576', 1048576],
    ['512KiB', 512 * 1024],
    ['100MiB', 100 * 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['2g', 2 * 1024 ** 3],
    ['1.5M', 1.5 * 1024 ** 2],
    ['10B', 10],
    [' 64 KB ', 64 * 1024],
  ])('%s is %d bytes', (text, n) => expect(parseByteSize(text)).toBe(n));

  it.each(['', '0', '-1', 'abc', '1 PiB', '1e9', 'MiB', '99999999999999999999'])('rejects %j', (text) => expect(parseByteSize(text)).toBeUndefined());
});
