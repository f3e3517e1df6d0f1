/**
 * The distribution API against a real registry (Debian's docker-registry,
 * distribution 2.8, anonymous, plain HTTP on 127.0.0.1), fed by skopeo from
 * the shared OCI fixtures.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType } from '../artifact/image/oci-schema.js';
import { blobExists, getBlob, openBlob } from './blobs.js';
import { RegistryClient } from './client.js';
import { listCatalog, listReferrers, listTags } from './lists.js';
import { getManifest, headManifest, putManifest } from './manifests.js';
import { blobDataPath, FIXTURE_LAYOUT, hasFixtures, hasRegistry, optionsFor, pushFixture, startRegistry, type TestRegistry } from './testing/registry-server.js';
import { startUpload, uploadBlob } from './uploads.js';
import { rejection } from '../../test/helpers/errors.js';

if (!hasRegistry) console.warn('skipping registry tests: /usr/bin/docker-registry is missing (apt-get install docker-registry)');
if (!hasFixtures) console.warn(`skipping registry tests: the shared fixtures are missing (${FIXTURE_LAYOUT})`);

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;


async function drainStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe.skipIf(!hasRegistry || !hasFixtures)('registry client against docker-registry', () => {
  let reg: TestRegistry;
  let client: RegistryClient;
  const layoutIndex = async () =>
    JSON.parse(await readFile(path.join(FIXTURE_LAYOUT, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string; annotations: Record<string, string> }>;
    };

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
    await pushFixture(reg, 'debian-bookworm', 'library/debian', { format: 'oci' });
    await pushFixture(reg, 'debian-bookworm', 'legacy/debian', { format: 'v2s2' });
    client = new RegistryClient(reg.host, optionsFor(reg));
  });
  afterAll(async () => {
    client?.close();
    await reg?.stop();
  });

  it('resolves an OCI manifest by tag and by digest, verifying the digest', async () => {
    const expected = (await layoutIndex()).manifests.find((m) => m.annotations['org.opencontainers.image.ref.name'] === 'debian-bookworm')!;
    const byTag = await getManifest(client, 'library/debian', 'debian-bookworm');
    expect(byTag.mediaType).toBe(MediaType.ociManifest);
    expect(byTag.digest).toBe(expected.digest);
    expect(sha(byTag.bytes)).toBe(expected.digest);
    const byDigest = await getManifest(client, 'library/debian', expected.digest);
    expect(byDigest.bytes.equals(byTag.bytes)).toBe(true);
    const head = await headManifest(client, 'library/debian', 'debian-bookworm');
    expect(head).toEqual({ digest: expected.digest, mediaType: MediaType.ociManifest, size: byTag.bytes.length });
  });

  it('resolves a Docker v2 schema 2 manifest', async () => {
    const m = await getManifest(client, 'legacy/debian', 'debian-bookworm');
    expect(m.mediaType).toBe(MediaType.dockerManifest);
    expect(m.digest).toBe(sha(m.bytes));
    const doc = JSON.parse(m.bytes.toString()) as { config: { mediaType: string; digest: string } };
    expect(doc.config.mediaType).toBe(MediaType.dockerConfig);
    const config = await getBlob(client, 'legacy/debian', doc.config.digest, 1 << 20);
    expect(sha(config)).toBe(doc.config.digest);
  });

  it('detects a manifest whose stored content no longer matches its digest', async () => {
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [], annotations: { n: randomBytes(8).toString('hex') } }));
    const digest = await putManifest(client, 'scratch/tamper', 'v1', bytes, MediaType.ociIndex);
    const file = blobDataPath(reg, digest);
    // Still valid JSON (the registry parses manifests it serves), but other bytes.
    const stored = (await readFile(file, 'utf8')).replace('"n":"', '"n":"z');
    await writeFile(file, stored);
    const e = await rejection(getManifest(client, 'scratch/tamper', digest));
    expect(e.code).toBe('DIGEST_MISMATCH');
    expect(e.where).toContain(`/v2/scratch/tamper/manifests/${digest}`);
  });

  it('streams blobs verified, and a corrupted blob fails with DIGEST_MISMATCH at the end', async () => {
    const bytes = randomBytes(300_000);
    const { digest } = await uploadBlob(client, 'scratch/blobs', bytes);
    expect((await drainStream(await openBlob(client, 'scratch/blobs', digest, bytes.length))).equals(bytes)).toBe(true);
    const file = blobDataPath(reg, digest);
    const stored = await readFile(file);
    stored[1234] = stored[1234]! ^ 0xff;
    await writeFile(file, stored);
    const stream = await openBlob(client, 'scratch/blobs', digest);
    const e = await rejection(drainStream(stream));
    expect(e.code).toBe('DIGEST_MISMATCH');
    expect(e.message).toContain(digest);
    expect(e.where).toBe(`http://${reg.host}/v2/scratch/blobs/blobs/${digest}`);
    const small = await rejection(getBlob(client, 'scratch/blobs', digest, 1 << 20));
    expect(small.code).toBe('DIGEST_MISMATCH');
  });

  it('uploads monolithically, in chunks, by mount, and mount falls back to an upload on 202', async () => {
    const small = randomBytes(1000);
    expect(await uploadBlob(client, 'push/a', small)).toEqual({ digest: sha(small), outcome: 'monolithic' });
    expect((await uploadBlob(client, 'push/a', small)).outcome).toBe('exists');

    const big = randomBytes(250_000);
    const chunked = await uploadBlob(client, 'push/a', big, { chunkSize: 64 * 1024 });
    expect(chunked).toEqual({ digest: sha(big), outcome: 'chunked' });
    expect((await getBlob(client, 'push/a', sha(big), 1 << 20)).equals(big)).toBe(true);

    expect(await blobExists(client, 'push/b', sha(big))).toBe(false);
    expect((await uploadBlob(client, 'push/b', big, { mountFrom: 'push/a' })).outcome).toBe('mounted');
    expect(await blobExists(client, 'push/b', sha(big))).toBe(true);

    // The source repository does not have this blob: the registry answers 202 and we upload instead.
    const fresh = randomBytes(2000);
    expect((await uploadBlob(client, 'push/c', fresh, { mountFrom: 'push/a' })).outcome).toBe('monolithic');
    expect((await getBlob(client, 'push/c', sha(fresh), 1 << 20)).equals(fresh)).toBe(true);
  });

  it('pushes manifests by tag and by digest', async () => {
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    await uploadBlob(client, 'push/m', config);
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: sha(config), size: config.length }, layers: [] }),
    );
    const digest = await putManifest(client, 'push/m', 'v1', manifest, MediaType.ociManifest);
    expect(digest).toBe(sha(manifest));
    expect(await putManifest(client, 'push/m', digest, manifest, MediaType.ociManifest)).toBe(digest);
    expect((await getManifest(client, 'push/m', 'v1')).digest).toBe(digest);
    const wrong = await rejection(putManifest(client, 'push/m', `sha256:${'0'.repeat(64)}`, manifest, MediaType.ociManifest));
    expect(wrong.code).toBe('DIGEST_MISMATCH');
  });

  it('lists tags (the registry ignores n) and pages through the catalog with Link headers', async () => {
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    await uploadBlob(client, 'many/tags', config);
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, digest: sha(config), size: config.length }, layers: [] }),
    );
    const names = Array.from({ length: 7 }, (_, i) => `t${i}`);
    for (const t of names) await putManifest(client, 'many/tags', t, manifest, MediaType.ociManifest);
    expect((await listTags(client, 'many/tags', { pageSize: 2 })).sort()).toEqual(names);
    expect(await listTags(client, 'many/tags', { limit: 3 })).toHaveLength(3);

    const all = await listCatalog(client);
    expect(all).toEqual(expect.arrayContaining(['library/debian', 'legacy/debian', 'many/tags']));
    const paged = await listCatalog(client, { pageSize: 1 });
    expect(paged).toEqual(all);
    expect(await listCatalog(client, { pageSize: 2, limit: 3 })).toEqual(all.slice(0, 3));
  });

  it('finds referrers through the sha256-<hex> tag when the registry has no referrers API', async () => {
    const subject = await getManifest(client, 'library/debian', 'debian-bookworm');
    expect((await listReferrers(client, 'library/debian', subject.digest)).referrers).toEqual([]);
    const empty = Buffer.from('{}');
    await uploadBlob(client, 'library/debian', empty);
    const artifact = (artifactType: string, n: string) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          artifactType,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(empty), size: 2 },
          layers: [],
          subject: { mediaType: MediaType.ociManifest, digest: subject.digest, size: subject.bytes.length },
          annotations: { n },
        }),
      );
    const sig = artifact('application/vnd.cncf.notary.signature', '1');
    const sbom = artifact('application/spdx+json', '2');
    const sigDigest = await putManifest(client, 'library/debian', sha(sig), sig, MediaType.ociManifest);
    const sbomDigest = await putManifest(client, 'library/debian', sha(sbom), sbom, MediaType.ociManifest);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { mediaType: MediaType.ociManifest, digest: sigDigest, size: sig.length, artifactType: 'application/vnd.cncf.notary.signature' },
          { mediaType: MediaType.ociManifest, digest: sbomDigest, size: sbom.length, artifactType: 'application/spdx+json', annotations: { a: 'b' } },
        ],
      }),
    );
    await putManifest(client, 'library/debian', subject.digest.replace(':', '-'), index, MediaType.ociIndex);
    const all = await listReferrers(client, 'library/debian', subject.digest);
    expect(all.via).toBe('tag');
    expect(all.referrers.map((r) => r.digest)).toEqual([sigDigest, sbomDigest]);
    const onlySbom = await listReferrers(client, 'library/debian', subject.digest, 'application/spdx+json');
    expect(onlySbom.referrers).toEqual([{ mediaType: MediaType.ociManifest, digest: sbomDigest, size: sbom.length, artifactType: 'application/spdx+json', annotations: { a: 'b' } }]);
  });

  it('says REGISTRY_NOT_FOUND for a missing image, tag or repository, with the URL', async () => {
    const missingTag = await rejection(getManifest(client, 'library/debian', 'nope'));
    expect(missingTag.code).toBe('REGISTRY_NOT_FOUND');
    expect(missingTag.where).toBe(`http://${reg.host}/v2/library/debian/manifests/nope`);
    expect(missingTag.message).toContain('MANIFEST_UNKNOWN');
    expect(missingTag.exitCode).toBe(3);
    expect((await rejection(getManifest(client, 'no/such/repo', 'latest'))).code).toBe('REGISTRY_NOT_FOUND');
    expect((await rejection(listTags(client, 'no/such/repo'))).code).toBe('REGISTRY_NOT_FOUND');
    expect(await headManifest(client, 'library/debian', 'nope')).toBeUndefined();
  });

  it('never falls back to plain HTTP silently, not even for 127.0.0.1', async () => {
    const strict = new RegistryClient(reg.host, optionsFor(reg, { insecureRegistries: [] }));
    try {
      const e = await rejection(getManifest(strict, 'library/debian', 'debian-bookworm'));
      expect(e.code).toBe('REGISTRY_UNAVAILABLE');
      expect(e.message).toMatch(/plain HTTP/);
      expect(e.hint).toContain(`--insecure-registry ${reg.host}`);
      expect(e.hint).toMatch(/not even for localhost/);
      expect(e.where).toMatch(/^https:\/\//);
    } finally {
      strict.close();
    }
  });

  it('opens an upload session and reports where it is, without credentials in messages', async () => {
    const started = await startUpload(client, 'scratch/session');
    expect(started.mounted).toBe(false);
    expect(started.location?.pathname).toMatch(/^\/v2\/scratch\/session\/blobs\/uploads\//);
  });
});
