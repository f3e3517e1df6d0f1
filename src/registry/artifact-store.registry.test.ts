/**
 * The ArtifactStore that signing builds on, against a real registry: what
 * is missing is `undefined`, everything else either works or throws.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType } from '../artifact/image/oci-schema.js';
import { repositoryStore } from './artifact-store.js';
import { RegistryClient } from './client.js';
import { hasRegistry, optionsFor, startRegistry, type TestRegistry } from './testing/registry-server.js';
import { pushTinyImage, sha256 } from './testing/tiny-image.js';

if (!hasRegistry) console.warn('skipping artifact store tests: /usr/bin/docker-registry is missing (apt-get install docker-registry)');

describe.skipIf(!hasRegistry)('repositoryStore', () => {
  let reg: TestRegistry;
  let image: { digest: string; bytes: Buffer };

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
    const c = new RegistryClient(reg.host, optionsFor(reg));
    image = await pushTinyImage(c, 'sig/app', '1.0');
    c.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('names its repository and reads manifests, undefined only for 404', async () => {
    const store = repositoryStore(`${reg.host}/sig/app:ignored`, optionsFor(reg));
    expect(store.repository).toBe(`${reg.host}/sig/app`);
    expect(await store.getManifest('1.0')).toEqual({ digest: image.digest, mediaType: MediaType.ociManifest, bytes: image.bytes });
    expect(await store.getManifest('2.0')).toBeUndefined();
    expect(await store.getManifest(`sha256:${'1'.repeat(64)}`)).toBeUndefined();
    const unreachable = repositoryStore(`${reg.host}/sig/app`, optionsFor(reg, { insecureRegistries: [] }));
    await expect(unreachable.getManifest('1.0')).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
  });

  it('stores blobs once and reads them back bounded', async () => {
    const store = repositoryStore(`${reg.host}/sig/app`, optionsFor(reg));
    const payload = randomBytes(4096);
    const digest = await store.putBlob(payload);
    expect(digest).toBe(sha256(payload));
    expect(await store.putBlob(payload)).toBe(digest);
    expect((await store.getBlob(digest, 8192)).equals(payload)).toBe(true);
    await expect(store.getBlob(digest, 100)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('stores a cosign-style signature by tag and finds a referrer through the fallback index', async () => {
    const store = repositoryStore(`${reg.host}/sig/app`, optionsFor(reg));
    const payload = Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': image.digest } } }));
    const layerDigest = await store.putBlob(payload);
    const empty = Buffer.from('{}');
    const configDigest = await store.putBlob(empty);
    const sigManifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: configDigest, size: empty.length },
        layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: layerDigest, size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' } }],
        subject: { mediaType: MediaType.ociManifest, digest: image.digest, size: image.bytes.length },
      }),
    );
    const sigTag = `${image.digest.replace(':', '-')}.sig`;
    const sigDigest = await store.putManifest(sigTag, sigManifest, MediaType.ociManifest);
    expect(await store.putManifest(sigDigest, sigManifest, MediaType.ociManifest)).toBe(sigDigest);
    expect(await store.listTags()).toEqual(expect.arrayContaining(['1.0', sigTag]));
    expect(await store.referrers(image.digest)).toEqual([]);

    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [{ mediaType: MediaType.ociManifest, digest: sigDigest, size: sigManifest.length, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }],
      }),
    );
    await store.putManifest(image.digest.replace(':', '-'), index, MediaType.ociIndex);
    expect(await store.referrers(image.digest)).toEqual([
      { mediaType: MediaType.ociManifest, digest: sigDigest, size: sigManifest.length, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' },
    ]);
    expect(await store.referrers(image.digest, 'application/vnd.in-toto+json')).toEqual([]);
  });
});
