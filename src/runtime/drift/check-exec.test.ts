import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyscallEvent } from '../events.js';
import { checkExec, markDrift } from './check-exec.js';
import type { DriftIndex, IndexedFile } from './image-index.js';
import { firstReadable, rootfsReader } from './readers.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const exec = (exe: string | undefined): SyscallEvent => ({ source: 'syscall', time: 0, type: 'execve', proc: { pid: 1, name: 'x', ...(exe ? { exe } : {}) } });

describe('checkExec', () => {
  const root = mkdtempSync(join(tmpdir(), 'bh-rootfs-'));
  const files: Array<[string, IndexedFile]> = [
    ['/usr/bin/tool', { type: 'file', mode: 0o100755, size: 5, sha256: sha('image'), layer: 0 }],
    ['/usr/bin/data', { type: 'file', mode: 0o100644, size: 4, layer: 0 }],
    ['/usr/bin/big', { type: 'file', mode: 0o100755, size: 3, layer: 0 }],
    ['/bin', { type: 'symlink', mode: 0o777, size: 0, target: 'usr/bin', layer: 0 }],
  ];
  const index: DriftIndex = { version: 1, reference: 'test', configDigest: 'sha256:x', files: new Map(files), unhashed: 1 };
  const reader = rootfsReader(root);

  beforeAll(() => {
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    writeFileSync(join(root, 'usr/bin/tool'), 'image');
    writeFileSync(join(root, 'usr/bin/data'), 'data');
    chmodSync(join(root, 'usr/bin/data'), 0o755);
    writeFileSync(join(root, 'usr/bin/big'), 'big');
    // The kernel's path is canonical in the container as it is now: here /bin became a real directory.
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin/tool'), 'image');
    mkdirSync(join(root, 'tmp'));
    writeFileSync(join(root, 'tmp/dropped'), 'x');
    symlinkSync('/etc/hostname', join(root, 'tmp/escape'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('passes a binary of the image, also at a path that is a symlink in the image', async () => {
    expect(await checkExec(index, exec('/usr/bin/tool'), reader)).toMatchObject({ status: 'ok', reason: 'in-image', actualSha256: sha('image') });
    expect(await checkExec(index, exec('/bin/tool'), firstReadable(rootfsReader('/nonexistent'), reader))).toMatchObject({ status: 'ok' });
  });

  it('flags a new file, a changed one and one made executable', async () => {
    expect(await checkExec(index, exec('/tmp/dropped'), reader)).toMatchObject({ status: 'drift', reason: 'not-in-image' });
    writeFileSync(join(root, 'usr/bin/tool'), 'other');
    expect(await checkExec(index, exec('/usr/bin/tool'), reader)).toMatchObject({ status: 'drift', reason: 'content-differs', imageSha256: sha('image'), actualSha256: sha('other') });
    writeFileSync(join(root, 'usr/bin/tool'), 'image');
    expect(await checkExec(index, exec('/usr/bin/data'), reader)).toMatchObject({ status: 'drift', reason: 'made-executable' });
  });

  it('compares sizes of executables too large to hash', async () => {
    expect(await checkExec(index, exec('/usr/bin/big'), reader)).toMatchObject({ status: 'ok', detail: 'size compared only' });
  });

  it('flags fileless and deleted executables without reading them', async () => {
    expect(await checkExec(index, exec('/memfd:payload (deleted)'), reader)).toMatchObject({ status: 'drift', reason: 'memfd' });
    expect(await checkExec(index, exec('/usr/bin/tool (deleted)'), reader)).toMatchObject({ status: 'drift', reason: 'deleted' });
  });

  it('skips volumes unless asked to check them', async () => {
    expect(await checkExec(index, exec('/data/run.sh'), reader, { volumes: ['/data'] })).toMatchObject({ status: 'skipped', reason: 'on-volume' });
    expect(await checkExec(index, exec('/data/run.sh'), reader, { volumes: ['/data'], checkVolumes: true })).toMatchObject({ status: 'drift', reason: 'not-in-image' });
  });

  it('answers unknown, never ok, when it cannot tell', async () => {
    expect(await checkExec(index, exec(undefined), reader)).toMatchObject({ status: 'unknown', reason: 'exe-unknown' });
    expect(await checkExec(index, exec('/usr/bin/tool'), rootfsReader('/nonexistent'))).toMatchObject({ status: 'unknown', reason: 'unreadable' });
    expect(await checkExec(index, { ...exec('/x'), type: 'open' }, reader)).toMatchObject({ status: 'skipped' });
  });

  it('refuses to follow a symlink planted in the container', async () => {
    expect(await reader.hash('/tmp/escape')).toBeUndefined();
    expect(await reader.hash('/tmp/../usr/bin/tool')).toBeUndefined();
  });

  it('marks the event for the rule engine', () => {
    expect(markDrift(exec('/x'), { status: 'drift', reason: 'not-in-image' }).proc.exeWritable).toBe(true);
    expect(markDrift(exec('/x'), { status: 'ok', reason: 'in-image' }).proc.exeWritable).toBe(false);
    expect(markDrift(exec('/x'), { status: 'unknown', reason: 'unreadable' }).proc.exeWritable).toBeUndefined();
  });
});
