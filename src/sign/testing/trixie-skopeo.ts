/**
 * A cosign-format peer for interoperability tests: skopeo 1.18 from Debian
 * trixie, unpacked into a cache directory and run through trixie's own
 * loader (Debian bookworm's skopeo has sigstore support compiled out). See
 * shared/docs/specs/interop-peers.md. Nothing is installed system-wide.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PACKAGES = ['skopeo', 'libc6', 'libgpgme11t64', 'libsqlite3-0', 'libassuan9', 'libgpg-error0'];
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export type SkopeoPeer = { ok: true; command: string[]; version: string } | { ok: false; reason: string };

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'bulkhead', 'trixie-skopeo');
}

function commandFor(root: string): string[] {
  const lib = path.join(root, 'usr/lib/x86_64-linux-gnu');
  return [path.join(lib, 'ld-linux-x86-64.so.2'), '--library-path', lib, path.join(root, 'usr/bin/skopeo')];
}

/** The Debian mirror URIs this machine's own apt sources use (deb822 `.sources` and one-line `.list`). */
export function debianMirrors(dir = '/etc/apt/sources.list.d'): string[] {
  const out = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.sources') || f.endsWith('.list'));
  } catch {
    return [];
  }
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/^URIs:\s*(.+)$/gm)) for (const uri of m[1]!.trim().split(/\s+/)) if (/\/debian\/?$/.test(uri)) out.add(uri.replace(/\/$/, ''));
    for (const m of text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gm)) if (/\/debian\/?$/.test(m[1]!)) out.add(m[1]!.replace(/\/$/, ''));
  }
  return [...out];
}

async function version(command: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(command[0]!, [...command.slice(1), '--version'], { timeout: 30_000 });
    return /skopeo version (\S+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Prepare (once) and return the command prefix that runs trixie's skopeo,
 * or the reason it is not available (no mirror, no network, no apt).
 */
export async function prepareTrixieSkopeo(cacheDir = defaultCacheDir()): Promise<SkopeoPeer> {
  const root = path.join(cacheDir, 'root');
  const command = commandFor(root);
  if (existsSync(command[3]!)) {
    const v = await version(command);
    if (v) return { ok: true, command, version: v };
  }
  if (process.arch !== 'x64' || process.platform !== 'linux') return { ok: false, reason: `trixie skopeo is prepared for linux/amd64 only (this is ${process.platform}/${process.arch})` };
  if (!existsSync('/usr/bin/apt-get') || !existsSync('/usr/bin/dpkg-deb')) return { ok: false, reason: 'apt-get and dpkg-deb are needed to fetch trixie skopeo' };
  const mirrors = debianMirrors();
  if (mirrors.length === 0) return { ok: false, reason: 'no Debian mirror found in /etc/apt/sources.list.d' };
  const apt = path.join(cacheDir, 'apt');
  const debs = path.join(cacheDir, 'debs');
  await rm(apt, { recursive: true, force: true });
  await rm(debs, { recursive: true, force: true });
  for (const d of ['lists/partial', 'cache/archives/partial', 'sourceparts']) await mkdir(path.join(apt, d), { recursive: true });
  await mkdir(debs, { recursive: true });
  const signedBy = existsSync(KEYRING) ? `[signed-by=${KEYRING}] ` : '';
  await writeFile(path.join(apt, 'sources.list'), mirrors.map((m) => `deb ${signedBy}${m} trixie main\n`).join(''));
  const options = [
    `Dir::Etc::sourcelist=${path.join(apt, 'sources.list')}`,
    `Dir::Etc::sourceparts=${path.join(apt, 'sourceparts')}`,
    `Dir::State::Lists=${path.join(apt, 'lists')}`,
    `Dir::Cache=${path.join(apt, 'cache')}`,
    'Debug::NoLocking=1',
    ...(process.getuid?.() === 0 ? ['APT::Sandbox::User=root'] : []),
  ].flatMap((o) => ['-o', o]);
  try {
    await run('apt-get', [...options, 'update'], { timeout: 300_000 });
    await run('apt-get', [...options, 'download', ...PACKAGES], { cwd: debs, timeout: 300_000 });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim().split('\n').slice(-2).join(' ');
    return { ok: false, reason: `the Debian mirror (${mirrors.join(', ')}) is unreachable or lacks trixie: ${stderr}` };
  }
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  for (const f of (await readdir(debs)).filter((f) => f.endsWith('.deb'))) await run('dpkg-deb', ['-x', path.join(debs, f), root], { timeout: 120_000 });
  const v = await version(command);
  return v ? { ok: true, command, version: v } : { ok: false, reason: 'trixie skopeo was unpacked but does not run here' };
}
