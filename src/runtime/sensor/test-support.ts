/**
 * Helpers for the tests that need the real thing: whether this machine can
 * run the sensor (root, bpftrace, BTF) and runc containers, and a runc
 * container made from a fixture image with umoci. Not part of the public API.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { closeSync, existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findInPath } from './setup.js';

const run = promisify(execFile);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The shared fixture images (`../shared` beside the repository, as test/helpers/shared-fixtures.ts finds them). */
export const FIXTURE_LAYOUT = resolve(repoRoot, '../shared/fixtures/images/oci');
export const hasFixtureLayout = existsSync(join(FIXTURE_LAYOUT, 'index.json'));

/** Why the sensor cannot run here, or undefined when it can. */
export function sensorUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: eBPF tracing needs root';
  if (!findInPath('bpftrace')) return 'bpftrace is not installed (apt-get install bpftrace)';
  if (!existsSync('/sys/kernel/btf/vmlinux')) return 'the kernel has no BTF (/sys/kernel/btf/vmlinux)';
  return undefined;
}

export function containersUnavailableReason(): string | undefined {
  const sensor = sensorUnavailableReason();
  if (sensor) return sensor;
  for (const tool of ['runc', 'umoci']) if (!findInPath(tool)) return `${tool} is not installed (apt-get install ${tool})`;
  if (!hasFixtureLayout) return `the fixture image layout ${FIXTURE_LAYOUT} is missing`;
  return undefined;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command without blocking the event loop (the sensor reads bpftrace's output meanwhile). */
export function runAsync(cmd: string, args: string[], input?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export interface RuncContainer {
  id: string;
  dir: string;
  bundle: string;
  rootfs: string;
  pid: number;
  exec(args: string[]): Promise<ExecResult>;
  cleanup(): Promise<void>;
}

/**
 * `umoci unpack` a fixture image into a bundle, patch config.json (no
 * terminal, no network namespace, `sleep 300`) and `runc run -d` it.
 */
export async function startRuncContainer(tag = 'debian-bookworm', id = `bh-test-${process.pid}-${Date.now() % 100000}`): Promise<RuncContainer> {
  const dir = await mkdtemp(join(tmpdir(), 'bh-runc-'));
  const bundle = join(dir, 'bundle');
  const cleanup = async () => {
    await run('runc', ['kill', id, 'KILL']).catch(() => undefined);
    await run('runc', ['delete', '-f', id]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    try {
      await run('umoci', ['unpack', '--image', `${FIXTURE_LAYOUT}:${tag}`, bundle], { timeout: 60_000 });
    } catch {
      // umoci may want to write into the layout (locks): work on a copy.
      const layout = join(dir, 'layout');
      await cp(FIXTURE_LAYOUT, layout, { recursive: true });
      await rm(bundle, { recursive: true, force: true });
      await run('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle], { timeout: 60_000 });
    }
    const configPath = join(bundle, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8')) as {
      process: { terminal: boolean; args: string[] };
      linux: { namespaces: Array<{ type: string }> };
    };
    config.process.terminal = false;
    config.process.args = ['sleep', '300'];
    config.linux.namespaces = config.linux.namespaces.filter((n) => n.type !== 'network');
    await writeFile(configPath, JSON.stringify(config));
    // The detached container inherits runc's stdio: give it a file, not pipes that would never close.
    const log = join(dir, 'container.log');
    const fd = openSync(log, 'w');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('runc', ['run', '-d', '-b', bundle, id], { stdio: ['ignore', fd, fd] });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    }).finally(() => closeSync(fd));
    if (code !== 0) throw new Error(`runc run failed: ${await readFile(log, 'utf8')}`);
    const state = JSON.parse((await runAsync('runc', ['state', id])).stdout) as { pid: number };
    return {
      id,
      dir,
      bundle,
      rootfs: join(bundle, 'rootfs'),
      pid: state.pid,
      exec: (args) => runAsync('runc', ['exec', id, ...args]),
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Polls `find` every 50 ms until it returns something; fails after `timeoutMs` naming what it waited for. */
export async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
