/**
 * Authentication against real registries: htpasswd basic auth and token auth
 * (a JWT token service of our own that distribution 2.8 verifies), with
 * credentials from options, environment, Docker's config.json and a real
 * credential helper program.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import { hostEnvKey } from './credentials.js';
import { RegistryClient } from './client.js';
import { listCatalog } from './lists.js';
import { getManifest } from './manifests.js';
import type { RegistryOptions } from './options.js';
import { hasRegistry, optionsFor, startRegistry, type TestRegistry } from './testing/registry-server.js';
import { pushTinyImage } from './testing/tiny-image.js';
import { rejection } from '../../test/helpers/errors.js';

if (!hasRegistry) console.warn('skipping registry auth tests: /usr/bin/docker-registry is missing (apt-get install docker-registry)');


async function pull(reg: TestRegistry, options: RegistryOptions, repo = 'team/app', tag = 'v1') {
  const client = new RegistryClient(reg.host, options);
  try {
    return await getManifest(client, repo, tag);
  } finally {
    client.close();
  }
}

function noSecrets(e: BulkheadError, secret: string) {
  for (const text of [e.message, e.hint ?? '', e.where ?? '', e.describe()]) expect(text).not.toContain(secret);
}

describe.skipIf(!hasRegistry)('basic auth (htpasswd)', () => {
  let reg: TestRegistry;
  let tmp: string;
  let digest: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-auth-'));
    const c = new RegistryClient(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    digest = (await pushTinyImage(c, 'team/app', 'v1')).digest;
    c.close();
  });
  afterAll(async () => {
    await reg?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('asks anonymous users to log in', async () => {
    const e = await rejection(pull(reg, optionsFor(reg)));
    expect(e.code).toBe('REGISTRY_AUTH');
    expect(e.exitCode).toBe(3);
    expect(e.hint).toContain(`docker login ${reg.host}`);
  });

  it('pulls with explicit credentials', async () => {
    expect((await pull(reg, optionsFor(reg, { username: reg.username!, password: reg.password! }))).digest).toBe(digest);
  });

  it('reports a wrong password as REGISTRY_AUTH (exit 3) naming where the credentials came from, never the secret', async () => {
    const e = await rejection(pull(reg, optionsFor(reg, { username: reg.username!, password: 'wrong-password-xyz' })));
    expect(e.code).toBe('REGISTRY_AUTH');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain('refused the credentials');
    expect(e.hint).toContain('--username');
    noSecrets(e, 'wrong-password-xyz');
  });

  it('reads BULKHEAD_REGISTRY_* and prefers the per-registry variables', async () => {
    const env = { BULKHEAD_REGISTRY_USERNAME: reg.username!, BULKHEAD_REGISTRY_PASSWORD: reg.password! };
    expect((await pull(reg, optionsFor(reg, { env }))).digest).toBe(digest);
    const key = `BULKHEAD_REGISTRY_${hostEnvKey(reg.host)}`;
    const both = { BULKHEAD_REGISTRY_USERNAME: 'nobody', BULKHEAD_REGISTRY_PASSWORD: 'bad', [`${key}_USERNAME`]: reg.username!, [`${key}_PASSWORD`]: reg.password! };
    expect((await pull(reg, optionsFor(reg, { env: both }))).digest).toBe(digest);
    const wrong = await rejection(pull(reg, optionsFor(reg, { env: { BULKHEAD_REGISTRY_USERNAME: reg.username!, BULKHEAD_REGISTRY_PASSWORD: 'nope-123' } })));
    expect(wrong.hint).toContain('env BULKHEAD_REGISTRY_USERNAME');
    noSecrets(wrong, 'nope-123');
  });

  it('reads base64 auths from $DOCKER_CONFIG/config.json', async () => {
    const dir = path.join(tmp, 'docker-auths');
    await mkdir(dir);
    const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [`http://${reg.host}`]: { auth } } }));
    const options = optionsFor(reg, { env: { DOCKER_CONFIG: dir, PATH: process.env.PATH ?? '' } });
    delete options.dockerConfigDir;
    expect((await pull(reg, options)).digest).toBe(digest);
  });

  it('runs a credential helper program (credHelpers) with the server URL on stdin', async () => {
    const bin = path.join(tmp, 'bin');
    await mkdir(bin, { recursive: true });
    const seen = path.join(tmp, 'helper-stdin.txt');
    const script = [
      '#!/bin/sh',
      '[ "$1" = get ] || exit 2',
      `cat > '${seen}'`,
      `printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$(cat '${seen}')" '${reg.username}' '${reg.password}'`,
      '',
    ].join('\n');
    await writeFile(path.join(bin, 'docker-credential-test'), script);
    await chmod(path.join(bin, 'docker-credential-test'), 0o755);
    const dir = path.join(tmp, 'docker-helper');
    await mkdir(dir);
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: {} }, credHelpers: { [reg.host]: 'test' } }));
    const options = optionsFor(reg, { dockerConfigDir: dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
    expect((await pull(reg, options)).digest).toBe(digest);
    expect(await readFile(seen, 'utf8')).toBe(reg.host);
  });

  it('treats a helper\'s "credentials not found" as no credentials, and a missing helper as TOOL_MISSING', async () => {
    const bin = path.join(tmp, 'bin2');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'docker-credential-empty'), '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n');
    await chmod(path.join(bin, 'docker-credential-empty'), 0o755);
    const dir = path.join(tmp, 'docker-store');
    await mkdir(dir);
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'empty' }));
    const none = await rejection(pull(reg, optionsFor(reg, { dockerConfigDir: dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } })));
    expect(none.code).toBe('REGISTRY_AUTH');
    expect(none.message).toContain('requires authentication');
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'not-installed-anywhere' }));
    const missing = await rejection(pull(reg, optionsFor(reg, { dockerConfigDir: dir })));
    expect(missing.code).toBe('TOOL_MISSING');
    expect(missing.hint).toContain('docker-credential-not-installed-anywhere');
  });
});

describe.skipIf(!hasRegistry)('token auth (bearer JWT from our token service)', () => {
  let reg: TestRegistry;
  let digest: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token' });
    const c = new RegistryClient(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    digest = (await pushTinyImage(c, 'team/app', 'v1')).digest;
    c.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('pulls, pushes and lists the catalog with credentials, caching one token per scope set', async () => {
    const c = new RegistryClient(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    try {
      const before = reg.token!.requests.length;
      for (let i = 0; i < 3; i++) expect((await getManifest(c, 'team/app', 'v1')).digest).toBe(digest);
      expect(await listCatalog(c)).toContain('team/app');
      await pushTinyImage(c, 'team/other', 'v2');
      const made = reg.token!.requests.slice(before);
      expect(made.every((r) => r.user === reg.username)).toBe(true);
      const pullTokens = made.filter((r) => r.scopes.join(' ') === 'repository:team/app:pull');
      expect(pullTokens).toHaveLength(1);
      expect(made.some((r) => r.scopes.includes('registry:catalog:*'))).toBe(true);
      expect(made.some((r) => r.scopes.includes('repository:team/other:pull,push'))).toBe(true);
    } finally {
      c.close();
    }
  });

  it('exchanges a Docker identitytoken at the token service (OAuth2 refresh_token grant)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-idtoken-'));
    try {
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { identitytoken: reg.refreshToken } } }));
      const before = reg.token!.requests.length;
      expect((await pull(reg, optionsFor(reg, { dockerConfigDir: dir }))).digest).toBe(digest);
      expect(reg.token!.requests.slice(before).map((r) => [r.method, r.user])).toEqual([['POST', reg.username]]);
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { identitytoken: 'revoked' } } }));
      const e = await rejection(pull(reg, optionsFor(reg, { dockerConfigDir: dir })));
      expect(e.code).toBe('REGISTRY_AUTH');
      expect(e.hint).toContain(path.join(dir, 'config.json'));
      noSecrets(e, 'revoked');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('asks anonymous users to log in when the token service grants them nothing', async () => {
    const e = await rejection(pull(reg, optionsFor(reg)));
    expect(e.code).toBe('REGISTRY_AUTH');
    expect(e.hint).toContain('--password-stdin');
  });

  it('reports a wrong password as REGISTRY_AUTH from the token service', async () => {
    const e = await rejection(pull(reg, optionsFor(reg, { username: reg.username!, password: 'bad-token-pw' })));
    expect(e.code).toBe('REGISTRY_AUTH');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain('token service refused the credentials');
    expect(e.where).toBe(reg.token!.realm);
    noSecrets(e, 'bad-token-pw');
  });

  it('refuses to send credentials to a plain-HTTP token service that is not listed insecure', async () => {
    const options = optionsFor(reg, { username: reg.username!, password: reg.password!, insecureRegistries: [reg.host] });
    const e = await rejection(pull(reg, options));
    expect(e.code).toBe('REGISTRY_PROTOCOL');
    expect(e.hint).toContain(reg.token!.host);
  });
});

describe.skipIf(!hasRegistry)('token auth with anonymous pull', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', anonymousPull: true });
    const c = new RegistryClient(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    await pushTinyImage(c, 'public/app', 'v1');
    c.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('pulls anonymously with an anonymous token, and refuses an anonymous push', async () => {
    expect((await pull(reg, optionsFor(reg), 'public/app', 'v1')).mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const c = new RegistryClient(reg.host, optionsFor(reg));
    try {
      const e = await rejection(pushTinyImage(c, 'public/app', 'v2'));
      expect(e.code).toBe('REGISTRY_AUTH');
      expect(reg.token!.requests.some((r) => r.user === undefined && r.scopes.includes('repository:public/app:pull,push'))).toBe(true);
    } finally {
      c.close();
    }
  });
});
