/**
 * Registry images through the server, against a real registry (Debian's
 * docker-registry with htpasswd auth): the scan job pulls with the stored
 * credentials of a watched registry, and after each scan the image's
 * signature status is recorded — verified against the server's key, invalid
 * (signed by another key), unsigned, or unverified when no key is configured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryStore } from '../registry/index.js';
import { hasFixtures, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from '../registry/testing/registry-server.js';
import { generateKeyPair, loadPublicKey, signImage, type GeneratedKeyPair } from '../sign/index.js';
import { importDb } from '../vuln/db/index.js';
import { startServer, type RunningServer } from './server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API responses are checked field by field
type Json = any;

if (!hasRegistry || !hasFixtures) console.log('server registry-scan test skipped: no docker-registry or no ../shared fixtures');

describe.skipIf(!hasRegistry || !hasFixtures)('registry images scanned by the server', () => {
  const dirs: string[] = [];
  const temp = (p: string) => {
    const d = mkdtempSync(path.join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  let reg: TestRegistry;
  let withKey: RunningServer;
  let withoutKey: RunningServer;
  let trusted: GeneratedKeyPair;
  const digests: Record<string, string> = {};

  const call = async (server: RunningServer, method: string, url: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const scan = async (server: RunningServer, target: string): Promise<Json> => {
    const sub = await call(server, 'POST', '/api/v1/scans', { target });
    expect(sub.status).toBe(202);
    for (let i = 0; i < 600; i++) {
      const r = await call(server, 'GET', `/api/v1/scans/${sub.json.id}`);
      if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`scan of ${target} did not finish`);
  };
  const image = async (server: RunningServer, digest: string): Promise<Json> => (await call(server, 'GET', `/api/v1/images/${encodeURIComponent(digest)}`)).json;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    // Three different images: signature status is kept per digest, and one image pushed to three repositories is one digest.
    const images = { signed: 'debian-bookworm', 'other-key': 'app-node', unsigned: 'app-python' } as const;
    await Promise.all(Object.entries(images).map(([repo, fixture]) => pushFixture(reg, fixture, `apps/${repo}`, { destTag: '1.0' })));
    const scrypt = { scrypt: { N: 32768, r: 8, p: 1 } };
    trusted = await generateKeyPair('', scrypt);
    const stranger = await generateKeyPair('', scrypt);
    const access = optionsFor(reg, { username: reg.username!, password: reg.password! });
    for (const [repo, key] of [['signed', trusted], ['other-key', stranger]] as const) {
      const store = repositoryStore(`${reg.host}/apps/${repo}`, access);
      const m = await store.getManifest('1.0');
      digests[repo] = m!.digest;
      await signImage(store, m!.digest, store.repository, key.privateKey);
    }
    digests.unsigned = (await repositoryStore(`${reg.host}/apps/unsigned`, access).getManifest('1.0'))!.digest;

    const dbDir = temp('bh-regscan-vdb-');
    await importDb({ dir: dbDir, source: path.resolve('examples/osv') });
    // The servers know the registry is plain HTTP, but not its password: that comes from the watched-registry entry.
    const base = { listen: '127.0.0.1:0', workers: 2, allowLocalTargets: false, dbDir, registry: optionsFor(reg), rescanIntervalMs: 0, watchIntervalMs: 0, env: {} };
    withKey = await startServer({ ...base, dataDir: temp('bh-regscan-a-'), verifyKeys: [loadPublicKey(trusted.publicKeyPem, { where: 'trusted.pub' })] });
    withoutKey = await startServer({ ...base, dataDir: temp('bh-regscan-b-') });
    for (const s of [withKey, withoutKey]) {
      const added = await call(s, 'POST', '/api/v1/registries', { host: reg.host, repositories: ['apps/*'], intervalSeconds: 3600, username: reg.username, password: reg.password });
      expect(added.status).toBe(201);
    }
  }, 180_000);

  afterAll(async () => {
    await withKey?.close();
    await withoutKey?.close();
    await reg?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('scans a registry image by tag with the watched registry credentials and records a verified signature', async () => {
    const s = await scan(withKey, `${reg.host}/apps/signed:1.0`);
    expect(s.error).toBeNull();
    expect(s.status).toBe('done');
    expect(s.imageDigest).toBe(digests.signed);
    expect(s.result.packages.length).toBe(88);
    expect(s.summary.total).toBeGreaterThan(0);
    const img = await image(withKey, digests.signed!);
    expect(img.signed).toBe(true);
    expect(img.signature.state).toBe('verified');
    expect(img.signature.signatures).toBe(1);
    expect(img.signature.reason).toMatch(new RegExp(`^in ${reg.host}/apps/signed: tag sha256-[a-f0-9]{64}\\.sig layer 0: `));
    expect(img.signature.keys).toHaveLength(1);
  }, 120_000);

  it('records a signature by an untrusted key as invalid, and no signature as unsigned', async () => {
    await scan(withKey, `${reg.host}/apps/other-key:1.0@${digests['other-key']}`);
    const other = await image(withKey, digests['other-key']!);
    expect(other.signed).toBe(false);
    expect(other.signature.state).toBe('invalid');
    expect(other.signature.reason).toContain('sha256-');

    await scan(withKey, `${reg.host}/apps/unsigned:1.0`);
    const unsigned = await image(withKey, digests.unsigned!);
    expect(unsigned.signed).toBe(false);
    expect(unsigned.signature.state).toBe('unsigned');
    expect(unsigned.signature.signatures).toBe(0);
    // The images list carries the same status.
    const list = (await call(withKey, 'GET', '/api/v1/images')).json.items as Json[];
    expect(Object.fromEntries(list.map((i) => [i.digest, i.signed]))).toEqual({ [digests.signed!]: true, [digests['other-key']!]: false, [digests.unsigned!]: false });
  }, 120_000);

  it('without a configured key, counts signatures but does not call the image signed', async () => {
    await scan(withoutKey, `${reg.host}/apps/signed:1.0`);
    const signed = await image(withoutKey, digests.signed!);
    expect(signed.signed).toBeNull();
    expect(signed.signature.state).toBe('unverified');
    expect(signed.signature.signatures).toBe(1);
    await scan(withoutKey, `${reg.host}/apps/unsigned:1.0`);
    expect((await image(withoutKey, digests.unsigned!)).signature.state).toBe('unsigned');
  }, 120_000);

  it('fails the scan with the registry error when the credentials are wrong, rather than storing an empty result', async () => {
    const list = (await call(withoutKey, 'GET', '/api/v1/registries')).json.items as Json[];
    for (const r of list) await call(withoutKey, 'DELETE', `/api/v1/registries/${r.id}`);
    await call(withoutKey, 'POST', '/api/v1/registries', { host: reg.host, repositories: ['apps/*'], intervalSeconds: 3600, username: reg.username, password: 'wrong' });
    const s = await scan(withoutKey, `${reg.host}/apps/other-key:1.0`);
    expect(s.status).toBe('failed');
    expect(s.error).toMatch(/401|credentials|auth/i);
    expect((await call(withoutKey, 'GET', `/api/v1/images/${encodeURIComponent(digests['other-key']!)}`)).status).toBe(404);
  }, 120_000);
});
