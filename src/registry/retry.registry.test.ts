/**
 * The retry loop against a real registry behind a fault-injecting proxy:
 * 503s and dropped connections are retried, Retry-After is honoured, a
 * Retry-After beyond the bound is not waited for, and an exhausted rate
 * limit is REGISTRY_RATE_LIMITED, never "not found".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BulkheadError } from '../core/errors.js';
import { RegistryClient } from './client.js';
import { getManifest } from './manifests.js';
import { startFaultProxy, type FaultProxy } from './testing/fault-proxy.js';
import { hasRegistry, optionsFor, startRegistry, type TestRegistry } from './testing/registry-server.js';
import { pushTinyImage } from './testing/tiny-image.js';

if (!hasRegistry) console.warn('skipping registry retry tests: /usr/bin/docker-registry is missing (apt-get install docker-registry)');

describe.skipIf(!hasRegistry)('retries through a fault-injecting proxy', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let digest: string;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
    const c = new RegistryClient(reg.host, optionsFor(reg));
    digest = (await pushTinyImage(c, 'flaky/app', 'v1')).digest;
    c.close();
    proxy = await startFaultProxy(reg.host);
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
  });
  beforeEach(() => {
    proxy.faults.length = 0;
    proxy.seen.length = 0;
  });

  const client = () => new RegistryClient(proxy.host, optionsFor(reg, { insecureRegistries: [proxy.host], retry: { maxAttempts: 4, baseDelayMs: 20, maxRetryAfterMs: 5000 } }));

  it('retries 502/503/504 and a dropped connection, then succeeds', async () => {
    proxy.faults.push({ status: 503 }, { drop: true }, { status: 502 });
    const c = client();
    try {
      expect((await getManifest(c, 'flaky/app', 'v1')).digest).toBe(digest);
      expect(proxy.seen.filter((s) => s.startsWith('GET /v2/flaky/app/manifests/v1'))).toHaveLength(4);
    } finally {
      c.close();
    }
  });

  it('waits as long as Retry-After says', async () => {
    proxy.faults.push({ status: 429, headers: { 'Retry-After': '1' } });
    const c = client();
    try {
      const started = Date.now();
      expect((await getManifest(c, 'flaky/app', 'v1')).digest).toBe(digest);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      c.close();
    }
  });

  it('reports an exhausted rate limit as REGISTRY_RATE_LIMITED, and does not wait for an hour-long Retry-After', async () => {
    const limited = { status: 429, headers: { 'Retry-After': '0' }, body: JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }) };
    proxy.faults.push(limited, limited, limited, limited);
    const c = client();
    try {
      const e = await getManifest(c, 'flaky/app', 'v1').catch((x: unknown) => x as BulkheadError);
      expect(e).toBeInstanceOf(BulkheadError);
      expect((e as BulkheadError).code).toBe('REGISTRY_RATE_LIMITED');
      expect((e as BulkheadError).message).not.toMatch(/not found/i);
      expect(proxy.seen).toHaveLength(4);

      proxy.seen.length = 0;
      proxy.faults.push({ status: 429, headers: { 'Retry-After': '3600' } });
      const started = Date.now();
      const long = await getManifest(c, 'flaky/app', 'v1').catch((x: unknown) => x as BulkheadError);
      expect(Date.now() - started).toBeLessThan(1000);
      expect((long as BulkheadError).code).toBe('REGISTRY_RATE_LIMITED');
      expect((long as BulkheadError).hint).toContain('3600 s');
      expect(proxy.seen).toHaveLength(1);
    } finally {
      c.close();
    }
  });

  it('gives up on a registry that stays down, with REGISTRY_UNAVAILABLE', async () => {
    proxy.faults.push({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const c = client();
    try {
      await expect(getManifest(c, 'flaky/app', 'v1')).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
      expect(proxy.seen).toHaveLength(4);
    } finally {
      c.close();
    }
  });
});
