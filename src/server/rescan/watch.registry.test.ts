/** Registry watch against a real registry (Debian's docker-registry). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../registry/index.js';
import { hasRegistry, startRegistry, type TestRegistry } from '../../registry/testing/registry-server.js';
import { pushTinyImage } from '../../registry/testing/tiny-image.js';
import type { ScanResult } from '../../core/types.js';
import type { JobQueue } from '../jobs/queue.js';
import { openStore, type Store } from '../store/index.js';
import { globToRegExp, pollDue, pollRegistry } from './watch.js';

if (!hasRegistry) console.log('registry watch test skipped: no /usr/bin/docker-registry');

describe('globToRegExp', () => {
  it('matches one path segment with * and any with **', () => {
    expect(globToRegExp('team/*').test('team/app')).toBe(true);
    expect(globToRegExp('team/*').test('team/a/b')).toBe(false);
    expect(globToRegExp('team/**').test('team/a/b')).toBe(true);
    expect(globToRegExp('a.b/?').test('a.b/x')).toBe(true);
    expect(globToRegExp('a.b/?').test('aXb/x')).toBe(false);
  });
});

describe.skipIf(!hasRegistry)('registry watch', () => {
  let reg: TestRegistry;
  let store: Store;
  let dir: string;
  const enqueued: string[] = [];
  const queue: JobQueue = { enqueue: async (id) => void enqueued.push(id), startWorkers: async () => undefined, depth: async () => 0, stop: async () => undefined };

  beforeAll(async () => {
    reg = await startRegistry();
    dir = mkdtempSync(path.join(tmpdir(), 'bh-watch-'));
    store = await openStore({ dataDir: dir });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues a scan per new digest, by exact name and by glob', async () => {
    const options = { insecureRegistries: [reg.host] };
    const client = new RegistryClient(reg.host, options);
    const v1 = await pushTinyImage(client, 'team/app', 'v1');
    await pushTinyImage(client, 'other/x', 'v1');
    const watch = await store.admin.addRegistry({ host: reg.host, repositories: ['team/*'], intervalSeconds: 60 });
    const deps = { store, queue, registry: options };
    const first = await pollRegistry(deps, watch);
    expect(first).toHaveLength(1);
    const scan = await store.scans.getScan(first[0]!);
    expect(scan?.target).toBe(`${reg.host}/team/app:v1@${v1.digest}`);
    expect(enqueued).toEqual(first);
    expect(await pollRegistry(deps, watch)).toEqual([]);

    const v2 = await pushTinyImage(client, 'team/app', 'v1', 'arm64');
    expect(v2.digest).not.toBe(v1.digest);
    const second = await pollRegistry(deps, watch);
    expect((await store.scans.getScan(second[0]!))?.target).toBe(`${reg.host}/team/app:v1@${v2.digest}`);
    expect((await store.admin.getRegistry(watch.id))?.lastPolledAt).not.toBeNull();

    // Once v2 is scanned, the same digest under another tag is not scanned again: the image gains the reference.
    expect(await store.scans.startScan(second[0]!, 'w')).toBe(true);
    const scanned: ScanResult = {
      schemaVersion: 1,
      tool: { name: 'bulkhead', version: 'test' },
      createdAt: new Date().toISOString(),
      target: { kind: 'image', name: `${reg.host}/team/app:v1@${v2.digest}` },
      image: { reference: `${reg.host}/team/app:v1@${v2.digest}`, manifestDigest: v2.digest, configDigest: 'sha256:cfg', os: 'linux', architecture: 'arm64', config: {}, history: [], layers: [] },
      packages: [],
      findings: [],
      notices: [],
      scanners: [],
      stats: { layersRead: 0, layersFromCache: 0, filesAnalyzed: 0, bytesRead: 0, durationMs: 0 },
    };
    expect(await store.scans.completeScan(second[0]!, scanned)).toBe(true);
    await pushTinyImage(client, 'team/app', 'stable', 'arm64');
    expect(await pollRegistry(deps, watch)).toEqual([]);
    expect((await store.scans.getImage(v2.digest))?.references).toContain(`${reg.host}/team/app:stable`);

    // pollDue honours the interval: just polled, so nothing happens.
    const before = enqueued.length;
    await pollDue(deps);
    expect(enqueued.length).toBe(before);
  }, 60_000);
});
