/**
 * Registry images through the scanning path: openRegistryImage gives an
 * ImageSource that OciImageSource resolves and streams exactly like the OCI
 * layout the image came from (same digests, diffIDs, and the same packages
 * through the pipeline's layer analysis), including platform selection in a
 * multi-arch index we push ourselves.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciImageSource } from '../artifact/image/oci.js';
import { OciLayoutStore } from '../artifact/image/oci-layout.js';
import { MediaType } from '../artifact/image/oci-schema.js';
import { DEFAULT_PLATFORM, type ImageSource } from '../artifact/image/source.js';
import { BulkheadError } from '../core/errors.js';
import type { LayerRef } from '../core/types.js';
import { pipelineAnalyzers } from '../pipeline/analyzers.js';
import { assembleInventory } from '../pipeline/assemble.js';
import { FileAnalysisRunner } from '../pipeline/file-analysis.js';
import { analyzeLayer, type LayerAnalysis } from '../pipeline/layer-analysis.js';
import { mergeLayers } from '../pipeline/merge.js';
import { openRegistryImage } from './blob-store.js';
import { getBlob } from './blobs.js';
import { RegistryClient } from './client.js';
import { getManifest, putManifest } from './manifests.js';
import { FIXTURE_LAYOUT, hasFixtures, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from './testing/registry-server.js';
import { sha256 } from './testing/tiny-image.js';
import { uploadBlob } from './uploads.js';

if (!hasRegistry) console.warn('skipping registry image tests: /usr/bin/docker-registry is missing (apt-get install docker-registry)');

async function hashStream(stream: Readable): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream as AsyncIterable<Buffer>) h.update(chunk);
  return `sha256:${h.digest('hex')}`;
}

/** The pipeline's steps for an image, minus detectors: what scanImage does with a source. */
async function inventoryOf(source: ImageSource) {
  const runner = new FileAnalysisRunner(pipelineAnalyzers('image', ['vuln']), { targetKind: 'image' });
  const { metadata, layers } = await source.resolve(DEFAULT_PLATFORM);
  const byDiff = new Map<string, LayerAnalysis>();
  await source.streamLayers(layers, async (layer, blob) => {
    byDiff.set(layer.diffID, await analyzeLayer(layer, blob, runner));
  });
  const analyses = layers.map((l) => byDiff.get(l.diffID)!);
  const refs: LayerRef[] = metadata.layers.map(({ mediaType: _m, size: _s, ...ref }) => ref);
  return assembleInventory(mergeLayers(analyses, refs), refs);
}

describe.skipIf(!hasRegistry || !hasFixtures)('registry images through OciImageSource', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd' });
    await pushFixture(reg, 'app-node', 'apps/node');
  });
  afterAll(async () => {
    await reg?.stop();
  });

  const opts = () => optionsFor(reg, { username: reg.username!, password: reg.password! });

  it('resolves app-node like the OCI layout and streams every layer once, verified', async () => {
    const layout = new OciImageSource(await OciLayoutStore.open(FIXTURE_LAYOUT), { tag: 'app-node' }, 'oci:fixtures:app-node');
    const remote = await openRegistryImage(`${reg.host}/apps/node:app-node`, opts());
    try {
      expect(remote.description).toBe(`registry ${reg.host}/apps/node:app-node`);
      const want = await layout.resolve(DEFAULT_PLATFORM);
      const got = await remote.resolve(DEFAULT_PLATFORM);
      expect(got.metadata.manifestDigest).toBe(want.metadata.manifestDigest);
      expect(got.metadata.configDigest).toBe(want.metadata.configDigest);
      expect(got.layers).toEqual(want.layers);
      expect(got.layers.length).toBeGreaterThan(1);
      const seen: Array<[number, string]> = [];
      await remote.streamLayers(got.layers, async (layer, blob) => {
        seen.push([layer.index, await hashStream(blob)]);
      });
      seen.sort((a, b) => a[0] - b[0]);
      expect(seen.map(([, d]) => d)).toEqual(got.layers.map((l) => l.digest));
    } finally {
      await remote.close();
      await layout.close();
    }
  });

  it('finds the same packages from the registry as from the layout', async () => {
    const layout = new OciImageSource(await OciLayoutStore.open(FIXTURE_LAYOUT), { tag: 'app-node' }, 'oci:fixtures:app-node');
    const remote = await openRegistryImage(`${reg.host}/apps/node:app-node`, opts());
    try {
      const [a, b] = [await inventoryOf(layout), await inventoryOf(remote)];
      expect(b.packages.length).toBeGreaterThan(50);
      expect(b.os?.family).toBe('debian');
      expect(b.packages.map((p) => p.purl).sort()).toEqual(a.packages.map((p) => p.purl).sort());
    } finally {
      await remote.close();
      await layout.close();
    }
  });

  it('opens by digest, and by tag plus digest (the digest wins)', async () => {
    const c = new RegistryClient(reg.host, opts());
    const { digest } = await getManifest(c, 'apps/node', 'app-node');
    c.close();
    for (const ref of [`${reg.host}/apps/node@${digest}`, `${reg.host}/apps/node:nonexistent@${digest}`]) {
      const src = await openRegistryImage(ref, opts());
      try {
        expect((await src.resolve(DEFAULT_PLATFORM)).metadata.manifestDigest).toBe(digest);
      } finally {
        await src.close();
      }
    }
  });

  it('picks the platform from a multi-arch index', async () => {
    const c = new RegistryClient(reg.host, opts());
    try {
      const amd = await getManifest(c, 'apps/node', 'app-node');
      const amdDoc = JSON.parse(amd.bytes.toString()) as { config: { digest: string }; layers: unknown[] };
      const config = JSON.parse((await getBlob(c, 'apps/node', amdDoc.config.digest, 1 << 20)).toString()) as Record<string, unknown>;
      const armConfig = Buffer.from(JSON.stringify({ ...config, architecture: 'arm64', variant: 'v8' }));
      await uploadBlob(c, 'apps/node', armConfig);
      const armManifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: MediaType.ociConfig, digest: sha256(armConfig), size: armConfig.length },
          layers: amdDoc.layers,
        }),
      );
      const armDigest = await putManifest(c, 'apps/node', sha256(armManifest), armManifest, MediaType.ociManifest);
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociIndex,
          manifests: [
            { mediaType: MediaType.ociManifest, digest: amd.digest, size: amd.bytes.length, platform: { os: 'linux', architecture: 'amd64' } },
            { mediaType: MediaType.ociManifest, digest: armDigest, size: armManifest.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          ],
        }),
      );
      const indexDigest = await putManifest(c, 'apps/node', 'multi', index, MediaType.ociIndex);
      const src = await openRegistryImage(`${reg.host}/apps/node:multi`, opts());
      try {
        const arm = await src.resolve({ os: 'linux', architecture: 'arm64' });
        expect(arm.metadata.manifestDigest).toBe(armDigest);
        expect(arm.metadata.indexDigest).toBe(indexDigest);
        expect(arm.metadata.architecture).toBe('arm64');
        const x86 = await src.resolve(DEFAULT_PLATFORM);
        expect(x86.metadata.manifestDigest).toBe(amd.digest);
        try {
          await src.resolve({ os: 'linux', architecture: 's390x' });
          expect.unreachable();
        } catch (e) {
          expect((e as BulkheadError).code).toBe('PLATFORM_NOT_FOUND');
          expect((e as BulkheadError).hint).toContain('linux/arm64/v8');
        }
      } finally {
        await src.close();
      }
    } finally {
      c.close();
    }
  });

  it('fails a missing image with REGISTRY_NOT_FOUND and a bad reference with a usage hint', async () => {
    const src = await openRegistryImage(`${reg.host}/apps/missing:1.0`, opts());
    try {
      await src.resolve(DEFAULT_PLATFORM);
      expect.unreachable();
    } catch (e) {
      expect((e as BulkheadError).code).toBe('REGISTRY_NOT_FOUND');
      expect((e as BulkheadError).exitCode).toBe(3);
    } finally {
      await src.close();
    }
    await expect(openRegistryImage('UPPER/Case:tag', opts())).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
  });
});
