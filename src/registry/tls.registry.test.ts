/**
 * TLS against a real registry serving a certificate from a generated CA:
 * trusted with --ca-file (in addition to the system CAs), refused with a
 * clear message without it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from './client.js';
import { getManifest } from './manifests.js';
import { hasRegistry, optionsFor, startRegistry, type TestRegistry } from './testing/registry-server.js';
import { pushTinyImage } from './testing/tiny-image.js';
import { rejection } from '../../test/helpers/errors.js';

if (!hasRegistry) console.warn('skipping registry TLS tests: /usr/bin/docker-registry is missing (apt-get install docker-registry)');


describe.skipIf(!hasRegistry)('TLS with a private CA (and basic auth over it)', () => {
  let reg: TestRegistry;
  let digest: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd', tls: true });
    const c = new RegistryClient(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    digest = (await pushTinyImage(c, 'secure/app', 'v1')).digest;
    c.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('trusts the registry with --ca-file', async () => {
    const c = new RegistryClient(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    try {
      const m = await getManifest(c, 'secure/app', 'v1');
      expect(m.digest).toBe(digest);
      expect(c.baseUrl.protocol).toBe('https:');
    } finally {
      c.close();
    }
  });

  it('refuses an untrusted certificate with a hint to pass --ca-file, and does not retry it', async () => {
    const c = new RegistryClient(reg.host, optionsFor(reg, { caFile: undefined, username: reg.username!, password: reg.password! }));
    try {
      const started = Date.now();
      const e = await rejection(getManifest(c, 'secure/app', 'v1'));
      expect(e.code).toBe('REGISTRY_UNAVAILABLE');
      expect(e.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
      expect(e.hint).toContain('--ca-file');
      expect(e.where).toBe(`https://${reg.host}/v2/secure/app/manifests/v1`);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      c.close();
    }
  });

  it('says when the CA file is unreadable or not PEM', async () => {
    const missing = new RegistryClient(reg.host, optionsFor(reg, { caFile: path.join(reg.storageDir, 'nope.pem') }));
    const e1 = await rejection(getManifest(missing, 'secure/app', 'v1'));
    expect(e1.code).toBe('USAGE');
    expect(e1.hint).toContain('--ca-file');
    missing.close();
    const junk = path.join(reg.storageDir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    const bad = new RegistryClient(reg.host, optionsFor(reg, { caFile: junk }));
    const e2 = await rejection(getManifest(bad, 'secure/app', 'v1'));
    expect(e2.message).toContain('no PEM certificate');
    bad.close();
  });
});
