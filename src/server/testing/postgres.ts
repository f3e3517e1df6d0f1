/**
 * A throw-away PostgreSQL cluster for tests: initdb into a temp dir, start on
 * a free port with its unix socket in the temp dir, stop and delete after.
 * As root, the binaries run as the `postgres` user (runuser).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresInstance {
  url: string;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl, or null. */
export function findPostgresBin(): string | null {
  const candidates = ['/usr/local/bin'];
  try {
    for (const v of readdirSync('/usr/lib/postgresql').sort().reverse()) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    /* not installed there */
  }
  for (const c of candidates) if (existsSync(path.join(c, 'initdb')) && existsSync(path.join(c, 'pg_ctl'))) return c;
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresInstance> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no initdb/pg_ctl found (looked in /usr/local/bin and /usr/lib/postgresql/*/bin)');
  const root = mkdtempSync(path.join(tmpdir(), 'bulkhead-pg-'));
  const data = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  let uid = 0;
  let gid = 0;
  if (asRoot) {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  const cmd = (file: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args]) : run(path.join(bin, file), args));
  const pwfile = path.join(root, 'pw');
  writeFileSync(pwfile, 'bulkhead\n');
  if (asRoot) chownSync(pwfile, uid, gid);
  await cmd('initdb', ['-D', data, '-U', 'bulkhead', '--pwfile', pwfile, '-A', 'scram-sha-256', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  await cmd('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(root, 'log'), '-w', '-t', '30', 'start']);
  const stop = async () => {
    await cmd('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };
  return { url: `postgres://bulkhead:bulkhead@127.0.0.1:${port}/postgres`, stop };
}
