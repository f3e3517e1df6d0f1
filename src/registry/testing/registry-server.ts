/**
 * A real registry for tests: Debian's docker-registry (distribution 2.8)
 * on 127.0.0.1 with a free port, a temporary storage directory and a
 * generated config: anonymous, htpasswd (bcrypt) basic auth, or token auth
 * served by ./token-server.ts; optionally TLS with a generated CA. Images
 * go in with skopeo from the shared OCI fixtures.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RegistryOptions } from '../options.js';
import { makeServerPki, makeTokenSigner } from './certs.js';
import { startTokenServer, type TokenServer } from './token-server.js';

const run = promisify(execFile);

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const hasRegistry = existsSync(REGISTRY_BINARY);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURE_LAYOUT = path.resolve(repoRoot, '../shared/fixtures/images/oci');
export const hasFixtures = existsSync(path.join(FIXTURE_LAYOUT, 'index.json'));

export interface StartRegistryOptions {
  auth?: 'none' | 'htpasswd' | 'token';
  tls?: boolean;
  /** Token auth only: anonymous requests get pull access. */
  anonymousPull?: boolean;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  caFile?: string;
  username?: string;
  password?: string;
  /** Token auth: an identity (refresh) token the token service accepts for `username`. */
  refreshToken?: string;
  /** The registry's storage root (blobs under docker/registry/v2/blobs). */
  storageDir: string;
  /** Hosts a client must list as insecure: the registry when plain HTTP, the token service. */
  insecureHosts: string[];
  token?: TokenServer;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago: bound, then released (to start a server on, or as a port nothing listens on). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function probe(url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, ca ? { ca, timeout: 1000 } : { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = opts.auth ?? 'none';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-registry-'));
  const storageDir = path.join(dir, 'storage');
  await mkdir(storageDir);
  const cleanup: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  try {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const lines = [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storageDir}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      `  secret: ${Math.random().toString(36).slice(2)}${Date.now()}`,
    ];
    let caFile: string | undefined;
    let caPem: string | undefined;
    if (opts.tls) {
      const pki = await makeServerPki(dir);
      caFile = pki.caFile;
      caPem = await readFile(caFile, 'utf8');
      lines.push('  tls:', `    certificate: ${pki.serverCert}`, `    key: ${pki.serverKey}`);
    }
    const out: Omit<TestRegistry, 'stop'> = {
      host,
      url: `${opts.tls ? 'https' : 'http'}://${host}`,
      storageDir,
      insecureHosts: opts.tls ? [] : [host],
    };
    if (caFile) out.caFile = caFile;
    if (auth !== 'none') {
      out.username = 'bulkhead';
      out.password = `pw-${Math.random().toString(36).slice(2, 10)}`;
      out.refreshToken = `rt-${Math.random().toString(36).slice(2, 12)}`;
    }
    if (auth === 'htpasswd') {
      const { stdout } = await run('htpasswd', ['-Bbn', out.username!, out.password!]);
      const file = path.join(dir, 'htpasswd');
      await writeFile(file, stdout.trim() + '\n');
      lines.push('auth:', '  htpasswd:', '    realm: bulkhead-test', `    path: ${file}`);
    } else if (auth === 'token') {
      const signer = await makeTokenSigner(dir);
      const token = await startTokenServer({
        signer,
        issuer: 'bulkhead-test-issuer',
        service: 'bulkhead-test-registry',
        username: out.username!,
        password: out.password!,
        anonymousPull: opts.anonymousPull ?? false,
        refreshToken: out.refreshToken!,
      });
      cleanup.push(() => token.stop());
      out.token = token;
      out.insecureHosts.push(token.host);
      lines.push(
        'auth:',
        '  token:',
        `    realm: ${token.realm}`,
        '    service: bulkhead-test-registry',
        '    issuer: bulkhead-test-issuer',
        `    rootcertbundle: ${signer.certFile}`,
      );
    }
    const configFile = path.join(dir, 'config.yml');
    await writeFile(configFile, lines.join('\n') + '\n');

    const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    cleanup.push(async () => {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (exited) throw new Error(`docker-registry exited at start: ${stderr}`);
      const status = await probe(`${out.url}/v2/`, caPem);
      if (status === 200 || status === 401) break;
      if (Date.now() > deadline) throw new Error(`docker-registry did not become ready on ${host}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const stop = async () => {
      for (const step of cleanup.reverse()) await step().catch(() => undefined);
      cleanup.length = 0;
    };
    return { ...out, stop };
  } catch (e) {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    throw e;
  }
}

export interface PushFixtureOptions {
  /** Manifest format to store: `oci` or Docker `v2s2` (default: as in the layout, OCI). */
  format?: 'oci' | 'v2s2';
  /** Tag in the registry (default: the fixture tag). */
  destTag?: string;
}

/** Copy `oci:<shared fixtures>:<tag>` into `<host>/<repo>:<tag>` with skopeo. */
export async function pushFixture(server: TestRegistry, tag: string, repo: string, opts: PushFixtureOptions = {}): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-skopeo-'));
  try {
    const policy = path.join(work, 'policy.json');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const args = ['copy', '--quiet', '--policy', policy];
    if (opts.format) args.push('--format', opts.format);
    if (server.caFile) {
      const certs = path.join(work, 'certs');
      await mkdir(certs);
      await copyFile(server.caFile, path.join(certs, 'ca.crt'));
      args.push('--dest-cert-dir', certs);
    } else {
      args.push('--dest-tls-verify=false');
    }
    if (server.username) args.push('--dest-creds', `${server.username}:${server.password}`);
    args.push(`oci:${FIXTURE_LAYOUT}:${tag}`, `docker://${server.host}/${repo}:${opts.destTag ?? tag}`);
    await run('skopeo', args, { env: { ...process.env, REGISTRY_AUTH_FILE: path.join(work, 'auth.json') }, maxBuffer: 4 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`skopeo copy of ${tag} failed: ${err.stderr || err.message}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The storage path of a blob in the registry (to corrupt it in tests). */
export function blobDataPath(server: TestRegistry, digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string];
  return path.join(server.storageDir, 'docker/registry/v2/blobs', alg, hex.slice(0, 2), hex, 'data');
}

/** Client options that reach `server` with its own credentials, CA and insecure hosts. */
export function optionsFor(server: TestRegistry, extra: Partial<RegistryOptions> = {}): RegistryOptions {
  const out: RegistryOptions = {
    insecureRegistries: server.insecureHosts,
    retry: { maxAttempts: 2, baseDelayMs: 10 },
    // No ambient credentials from the machine running the tests.
    dockerConfigDir: path.join(server.storageDir, 'no-docker-config'),
    env: { PATH: process.env.PATH ?? '' },
    ...extra,
  };
  if (server.caFile && !('caFile' in extra)) out.caFile = server.caFile;
  return out;
}
