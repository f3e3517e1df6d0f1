/**
 * The trust gate against a real registry (docker-registry): a fixture image
 * pushed with skopeo, signed by Bulkhead with a generated key, and the same
 * image unsigned in another repository, judged over HTTPS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryStore } from '../../registry/index.js';
import { hasFixtures, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from '../../registry/testing/registry-server.js';
import { generateKeyPair, signImage } from '../../sign/index.js';
import { startAdmissionServer, type AdmissionServer } from './server.js';
import { configOf, makeTls, post, review, type TestTls } from './testing.js';

describe.skipIf(!hasRegistry || !hasFixtures)('trust policy gate with a real registry', () => {
  let reg: TestRegistry;
  let tls: TestTls;
  let work: string;
  let server: AdmissionServer;
  let closedServer: AdmissionServer;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-admission-trust-'));
    [reg, tls] = await Promise.all([startRegistry({ auth: 'none' }), makeTls()]);
    await Promise.all([pushFixture(reg, 'debian-bookworm', 'apps/signed', { destTag: '1.0' }), pushFixture(reg, 'debian-bookworm', 'apps/unsigned', { destTag: '1.0' })]);
    const pair = await generateKeyPair('', { scrypt: { N: 32768, r: 8, p: 1 } });
    const store = repositoryStore(`${reg.host}/apps/signed`, optionsFor(reg));
    const manifest = await store.getManifest('1.0');
    await signImage(store, manifest!.digest, store.repository, pair.privateKey);

    const policy = [
      'version: 1',
      `registries: ["${reg.host}", "127.0.0.1:1"]`,
      'keys:',
      '  release: { path: release.pub }',
      'rules:',
      '  - name: apps',
      '    repositories: ["**/apps/**"]',
      '    signatures: { keys: [release] }',
      'default: deny',
      '',
    ].join('\n');
    const files = { 'trust.yaml': policy, 'release.pub': pair.publicKeyPem };
    const base = `pss:\n  default: { level: privileged }\ntrustPolicy: trust.yaml\nregistries:\n  insecure: ["${reg.host}", "127.0.0.1:1"]\n`;
    const options = { listen: '127.0.0.1:0', tlsCert: tls.cert, tlsKey: tls.key, dependencies: { registryOptions: optionsFor(reg) } };
    server = await startAdmissionServer({ ...options, config: await configOf(`${base}failurePolicy: open\n`, files) });
    closedServer = await startAdmissionServer({ ...options, config: await configOf(`${base}failurePolicy: closed\n`, files) });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await closedServer?.close();
    await reg?.stop();
    if (tls) await rm(tls.dir, { recursive: true, force: true });
    if (work) await rm(work, { recursive: true, force: true });
  });

  const withImage = (image: string) => {
    const r = review('pod-compliant.json');
    r['request'].object.spec.containers[0].image = image;
    return r;
  };

  it('admits the image signed with the trusted key', async () => {
    const r = await post(server.url, tls.ca, withImage(`${reg.host}/apps/signed:1.0`));
    expect(r.json!.response.status?.message).toBeUndefined();
    expect(r.json!.response.allowed).toBe(true);
  });

  it('denies the unsigned image, saying why', async () => {
    const r = await post(server.url, tls.ca, withImage(`${reg.host}/apps/unsigned:1.0`));
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.code).toBe(403);
    expect(r.json!.response.status!.message).toContain(`image ${reg.host}/apps/unsigned:1.0 is not trusted: apps: not signed by`);
  });

  it('denies an image from a registry the policy does not trust without contacting it', async () => {
    const r = await post(server.url, tls.ca, review('pod-privileged.json'));
    expect(r.json!.response.allowed).toBe(false);
    expect(r.json!.response.status!.message).toContain('registry docker.io is not trusted');
  });

  it('an unreachable registry follows failurePolicy: open admits with a warning, closed refuses', async () => {
    const image = '127.0.0.1:1/apps/gone:1.0';
    const open = await post(server.url, tls.ca, withImage(image));
    expect(open.json!.response.allowed).toBe(true);
    expect(open.json!.response.warnings![0]).toContain('failurePolicy open');
    const closed = await post(closedServer.url, tls.ca, withImage(image));
    expect(closed.json!.response.allowed).toBe(false);
    expect(closed.json!.response.status!.code).toBe(500);
  });
});
