import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostEnvKey, resolveCredentials } from './credentials.js';

describe('resolveCredentials', () => {
  let dir: string;
  const host = 'reg.example:5000';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-creds-'));
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from('cfg:cfgpw').toString('base64') } } }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const perHost = `BULKHEAD_REGISTRY_${hostEnvKey(host)}`;

  it('takes explicit options, then per-registry env, then generic env, then the Docker config', async () => {
    const env = { BULKHEAD_REGISTRY_USERNAME: 'gen', BULKHEAD_REGISTRY_PASSWORD: 'genpw', [`${perHost}_USERNAME`]: 'host', [`${perHost}_PASSWORD`]: 'hostpw' };
    expect(await resolveCredentials(host, { username: 'opt', password: 'optpw', env, dockerConfigDir: dir })).toMatchObject({ username: 'opt', source: '--username/--password' });
    expect(await resolveCredentials(host, { env, dockerConfigDir: dir })).toMatchObject({ username: 'host', password: 'hostpw', source: `env ${perHost}_USERNAME` });
    expect(await resolveCredentials('other.example', { env, dockerConfigDir: dir })).toMatchObject({ username: 'gen', source: 'env BULKHEAD_REGISTRY_USERNAME' });
    expect(await resolveCredentials(host, { env: {}, dockerConfigDir: dir })).toMatchObject({ username: 'cfg', password: 'cfgpw' });
    expect(await resolveCredentials('other.example', { env: {}, dockerConfigDir: dir })).toBeUndefined();
    expect(await resolveCredentials(host, { env, dockerConfigDir: dir, anonymous: true })).toBeUndefined();
  });

  it('reads DOCKER_CONFIG, and HOME/.docker otherwise', async () => {
    expect(await resolveCredentials(host, { env: { DOCKER_CONFIG: dir } })).toMatchObject({ username: 'cfg' });
    const home = path.join(dir, 'home');
    await mkdir(path.join(home, '.docker'), { recursive: true });
    await writeFile(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [host]: { username: 'h', password: 'hp' } } }));
    expect(await resolveCredentials(host, { env: { HOME: home } })).toMatchObject({ username: 'h', password: 'hp' });
  });

  it('refuses half-given credentials', async () => {
    await expect(resolveCredentials(host, { username: 'u' })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(resolveCredentials(host, { env: { BULKHEAD_REGISTRY_USERNAME: 'u' }, dockerConfigDir: dir })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('takes an identity token from a helper that answers with the <token> user', async () => {
    const bin = path.join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'docker-credential-tok'), '#!/bin/sh\ncat >/dev/null\necho \'{"ServerURL":"x","Username":"<token>","Secret":"refresh-123"}\'\n');
    await chmod(path.join(bin, 'docker-credential-tok'), 0o755);
    await writeFile(path.join(bin, 'docker-credential-broken'), '#!/bin/sh\necho not json\n');
    await chmod(path.join(bin, 'docker-credential-broken'), 0o755);
    const cfg = path.join(dir, 'tokcfg');
    await mkdir(cfg, { recursive: true });
    await writeFile(path.join(cfg, 'config.json'), JSON.stringify({ credHelpers: { [host]: 'tok', 'b.example': 'broken' } }));
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
    expect(await resolveCredentials(host, { env, dockerConfigDir: cfg })).toEqual({ identityToken: 'refresh-123', source: 'docker-credential-tok' });
    const e = await resolveCredentials('b.example', { env, dockerConfigDir: cfg }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'REGISTRY_AUTH' });
    expect(String((e as Error).message)).toContain('did not answer with JSON');
  });
});
