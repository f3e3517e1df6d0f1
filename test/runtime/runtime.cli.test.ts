/**
 * `bulkhead runtime replay` and the `watch --record` flags through the CLI
 * (`run` with argv and a CliIO): what an events file with no valid event,
 * or with some invalid lines, means for the exit code and stderr; and that
 * a refused --record file stops `watch` before the sensor starts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../src/cli/main.js';
import { exec, open, O_RDONLY } from '../../src/runtime/rules/testdata/events.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bh-runtime-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, isTTY: false, cwd: dir };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

let n = 0;
function file(lines: string[], name = `events-${n++}.jsonl`): string {
  writeFileSync(path.join(dir, name), lines.join('\n'));
  return name;
}

const shell = JSON.stringify(exec('/bin/bash', [], { proc: { ancestors: ['runc'] } }));
const shadow = JSON.stringify(open('/etc/shadow', O_RDONLY, { proc: { name: 'cat' } }));

describe('bulkhead runtime replay: input problems', () => {
  it('an empty file is an input error (exit 2) naming the file', async () => {
    const f = file([]);
    const r = await cli(['runtime', 'replay', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no events in ${f}: the input is empty or only blank lines (at ${f})`);
    expect(r.stdout).toBe('');
  });

  it('a file of blank lines is an input error too', async () => {
    const f = file(['', '  ', '']);
    const r = await cli(['runtime', 'replay', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no events in ${f}: the input is empty or only blank lines`);
  });

  it('a file with no valid line is an input error naming the first bad line as file:line and why', async () => {
    const f = file(['', '{"source":"martian"}', '{not json', JSON.stringify({ source: 'syscall', type: 'execve', time: 1 })]);
    const r = await cli(['runtime', 'replay', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no valid events in ${f}: 3 invalid lines of 4, the first: source: expected "syscall" or "k8s_audit" (at ${f}:2)`);
    expect(r.stdout).toBe('');
  });

  it('skips invalid lines among valid ones: counted, the first one named, alerts still raised (exit 1)', async () => {
    const f = file([shell, 'oops', shadow, '{"source":"syscall"}', '', '']);
    const r = await cli(['runtime', 'replay', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Shell started in container');
    expect(r.stdout).toContain('Credential file read in container');
    expect(r.stderr).toContain('4 lines, 2 events, 2 invalid, 2 alerts');
    expect(r.stderr).toMatch(new RegExp(`warning: 2 invalid lines of 4 in ${f} skipped, the first ${f}:2: not JSON`));
    expect(r.stderr).toContain('--strict makes this an error');
  });

  it('with --strict, invalid lines make the exit code 2 after the replay', async () => {
    const f = file([shell, 'oops', shadow]);
    const r = await cli(['runtime', 'replay', '--strict', '--format', 'json', f]);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule)).toEqual(['Shell started in container', 'Credential file read in container']);
    expect(r.stderr).toContain(`${f} has 1 invalid line (--strict): the first: not JSON`);
    expect(r.stderr).toContain(`(at ${f}:2)`);
  });

  it('--strict changes nothing for a clean file', async () => {
    const f = file([shell, shadow, '']);
    expect((await cli(['runtime', 'replay', '--strict', f])).code).toBe(1);
    const quiet = file([JSON.stringify(exec('/usr/local/bin/node', ['server.js']))]);
    const r = await cli(['runtime', 'replay', '--strict', quiet]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning');
  });

  it('a missing file is an input error, not an internal one', async () => {
    const r = await cli(['runtime', 'replay', 'does-not-exist.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read does-not-exist.jsonl');
  });
});

describe('bulkhead runtime watch --record: refused before the sensor starts', () => {
  // --duration 1: should a refusal ever regress, the watch ends by itself and the exit code check fails.
  it('refuses an existing file and leaves it alone', async () => {
    const f = file(['keep me']);
    const r = await cli(['runtime', 'watch', '--duration', '1', '--record', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the recording file ${path.join(dir, f)} already exists`);
    expect(readFileSync(path.join(dir, f), 'utf8')).toBe('keep me');
  });

  it('refuses a symbolic link', async () => {
    symlinkSync(path.join(dir, 'target-of-link'), path.join(dir, 'link.jsonl'));
    const r = await cli(['runtime', 'watch', '--duration', '1', '--record', 'link.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a symbolic link: refused/);
    expect(existsSync(path.join(dir, 'target-of-link'))).toBe(false);
  });

  it('rejects a bad --record-max-bytes, and --record-max-bytes without --record', async () => {
    const bad = await cli(['runtime', 'watch', '--duration', '1', '--record', 'new.jsonl', '--record-max-bytes', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--record-max-bytes lots is not a size');
    expect(existsSync(path.join(dir, 'new.jsonl'))).toBe(false);
    const alone = await cli(['runtime', 'watch', '--duration', '1', '--record-max-bytes', '1MiB']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--record-max-bytes needs --record FILE');
  });
});

describe('help', () => {
  it('documents --record and --record-max-bytes on watch, --strict and the exit codes on replay', async () => {
    const watch = await cli(['runtime', 'watch', '--help']);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain('--record <file>');
    expect(watch.stdout).toContain('--record-max-bytes <size>');
    expect(watch.stdout).toMatch(/Recording \(--record FILE\):[\s\S]*must not exist[\s\S]*0600/);
    const replay = await cli(['runtime', 'replay', '--help']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('--strict');
    expect(replay.stdout).toMatch(/no valid event at all[\s\S]*exit 2/);
  });
});
