/**
 * The registry audit against real registries: an open one (plain HTTP,
 * anonymous everything) and a closed one (TLS, token auth), with images
 * signed cosign-style (.sig/.att tags) and with SBOM referrers.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaType } from '../artifact/image/oci-schema.js';
import { auditRegistry, looksPublic } from './audit.js';
import { classifyReferrer, isSupplementTag } from './audit-image.js';
import { RegistryClient } from './client.js';
import { listCatalog } from './lists.js';
import { putManifest } from './manifests.js';
import { hasRegistry, optionsFor, startRegistry, type TestRegistry } from './testing/registry-server.js';
import { pushTinyImage, sha256 } from './testing/tiny-image.js';
import { uploadBlob } from './uploads.js';

if (!hasRegistry) console.warn('skipping registry audit tests: /usr/bin/docker-registry is missing (apt-get install docker-registry)');

/** A cosign-like attachment manifest (.sig/.att) or referrer for `subject`. */
async function attach(c: RegistryClient, repo: string, subject: { digest: string; bytes: Buffer }, reference: string, artifactType: string): Promise<{ digest: string; size: number }> {
  const empty = Buffer.from('{}');
  await uploadBlob(c, repo, empty);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
      layers: [],
      subject: { mediaType: MediaType.ociManifest, digest: subject.digest, size: subject.bytes.length },
    }),
  );
  const digest = await putManifest(c, repo, reference === 'digest' ? sha256(bytes) : reference, bytes, MediaType.ociManifest);
  return { digest, size: bytes.length };
}

async function filesNamed(dir: string, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name === name) out.push(path.join(e.parentPath, e.name));
  return out;
}

describe.skipIf(!hasRegistry)('audit of an open registry', () => {
  let reg: TestRegistry;
  let signed: { digest: string; bytes: Buffer };

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' });
    const c = new RegistryClient(reg.host, optionsFor(reg));
    signed = await pushTinyImage(c, 'team/signed', 'v1');
    const tagBase = signed.digest.replace(':', '-');
    await attach(c, 'team/signed', signed, `${tagBase}.sig`, 'application/vnd.dev.cosign.artifact.sig.v1+json');
    await attach(c, 'team/signed', signed, `${tagBase}.att`, 'application/vnd.dsse.envelope.v1+json');
    const withSbom = await pushTinyImage(c, 'team/sbom', 'v1', 'arm64');
    const sbom = await attach(c, 'team/sbom', withSbom, 'digest', 'application/vnd.cyclonedx+json');
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: MediaType.ociManifest, ...sbom, artifactType: 'application/vnd.cyclonedx+json' }] }),
    );
    await putManifest(c, 'team/sbom', withSbom.digest.replace(':', '-'), index, MediaType.ociIndex);
    await pushTinyImage(c, 'team/plain', 'v1', 'ppc64le');
    await pushTinyImage(c, 'team/plain', 'v2', 's390x');
    c.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('reports plain HTTP, anonymous push, pull and catalog, and per-image signatures and attachments', async () => {
    const c = new RegistryClient(reg.host, optionsFor(reg));
    const catalogBefore = await listCatalog(c);
    const report = await auditRegistry(reg.host, { ...optionsFor(reg), concurrency: 2 });
    expect(report.transport).toMatchObject({ tls: false, plainHttp: true });
    expect(report.endpoint).toBe(`http://${reg.host}/`);
    expect(report.access).toEqual({ authenticated: false, anonymousPull: 'allowed', anonymousPush: 'allowed', anonymousCatalog: 'allowed' });
    const registryLevel = report.findings.filter((f) => f.location.path === reg.host).map((f) => f.id).sort();
    expect(registryLevel).toEqual(['BH-REG-001', 'BH-REG-002', 'BH-REG-003', 'BH-REG-004']);

    const byRepo = new Map(report.repositories.map((r) => [r.name, r]));
    expect([...byRepo.keys()].sort()).toEqual(['team/plain', 'team/sbom', 'team/signed']);
    const signedTag = byRepo.get('team/signed')!.tags;
    expect(signedTag).toHaveLength(1);
    expect(signedTag[0]).toMatchObject({ tag: 'v1', digest: signed.digest, signed: true });
    expect(signedTag[0]!.signatures).toEqual([`tag ${signed.digest.replace(':', '-')}.sig`]);
    expect(signedTag[0]!.attestations).toEqual([`tag ${signed.digest.replace(':', '-')}.att`]);
    const sbomTag = byRepo.get('team/sbom')!.tags[0]!;
    expect(sbomTag.signed).toBe(false);
    expect(sbomTag.sboms).toHaveLength(1);
    expect(sbomTag.sboms[0]).toMatch(/^referrer sha256:[a-f0-9]{64} \(application\/vnd\.cyclonedx\+json\)$/);
    expect(byRepo.get('team/plain')!.tags.map((t) => t.tag).sort()).toEqual(['v1', 'v2']);

    const perImage = (id: string) => report.findings.filter((f) => f.id === id).map((f) => f.location.path).sort();
    expect(perImage('BH-REG-005')).toEqual([`${reg.host}/team/plain:v1`, `${reg.host}/team/plain:v2`, `${reg.host}/team/sbom:v1`]);
    expect(perImage('BH-REG-006')).toEqual([`${reg.host}/team/plain:v1`, `${reg.host}/team/plain:v2`]);

    // The push probe left no new repository and no upload data behind.
    expect(await listCatalog(c)).toEqual(catalogBefore);
    expect(await filesNamed(path.join(reg.storageDir, 'docker/registry/v2/repositories'), 'startedat')).toEqual([]);
    c.close();
  });

  it('bounds repositories and tags, and accepts that a registry is public', async () => {
    const report = await auditRegistry(reg.host, { ...optionsFor(reg), maxRepos: 2, maxTagsPerRepo: 1, publicRegistry: true });
    expect(report.repositories).toHaveLength(2);
    expect(report.repositoriesTruncated).toBe(true);
    for (const r of report.repositories) expect(r.tags.length).toBeLessThanOrEqual(1);
    expect(report.repositories.find((r) => r.name === 'team/plain')?.tagsTruncated ?? true).toBe(true);
    expect(report.findings.map((f) => f.id)).not.toContain('BH-REG-003');
  });

  it('stops at the transport when a plain-HTTP registry is not listed insecure, and says how to go on', async () => {
    const report = await auditRegistry(reg.host, { ...optionsFor(reg), insecureRegistries: [] });
    expect(report.findings.map((f) => f.id)).toEqual(['BH-REG-001']);
    expect(report.repositories).toEqual([]);
    expect(report.notes.join('\n')).toContain(`--insecure-registry ${reg.host}`);
  });
});

describe.skipIf(!hasRegistry)('audit of a closed registry (TLS, token auth)', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'token', tls: true });
    const c = new RegistryClient(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    await pushTinyImage(c, 'private/app', '1.0');
    c.close();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('finds no exposure, and audits images with the credentials', async () => {
    const report = await auditRegistry(reg.host, optionsFor(reg, { username: reg.username!, password: reg.password! }));
    expect(report.transport).toMatchObject({ tls: true, plainHttp: false });
    expect(report.access).toEqual({ authenticated: true, anonymousPull: 'denied', anonymousPush: 'denied', anonymousCatalog: 'denied' });
    expect(report.findings.filter((f) => f.location.path === reg.host)).toEqual([]);
    expect(report.repositories.map((r) => r.name)).toEqual(['private/app']);
    expect(report.findings.map((f) => f.id).sort()).toEqual(['BH-REG-005', 'BH-REG-006']);
  });

  it('fails loudly on wrong credentials instead of reporting an empty registry', async () => {
    await expect(auditRegistry(reg.host, optionsFor(reg, { username: reg.username!, password: 'wrong' }))).rejects.toMatchObject({ code: 'REGISTRY_AUTH' });
  });
});

describe('audit helpers', () => {
  it('tells supplement tags from image tags', () => {
    const hex = 'a'.repeat(64);
    for (const t of [`sha256-${hex}`, `sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`]) expect(isSupplementTag(t)).toBe(true);
    for (const t of ['latest', 'sha256', `sha256-${hex.slice(1)}`, `v1-sha256-${hex}`]) expect(isSupplementTag(t)).toBe(false);
  });

  it('classifies referrers by artifact type', () => {
    const d = { mediaType: MediaType.ociManifest, digest: `sha256:${'b'.repeat(64)}`, size: 1 };
    expect(classifyReferrer({ ...d, artifactType: 'application/vnd.cncf.notary.signature' })).toBe('signature');
    expect(classifyReferrer({ ...d, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' })).toBe('signature');
    expect(classifyReferrer({ ...d, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' } })).toBe('attestation');
    expect(classifyReferrer({ ...d, artifactType: 'application/spdx+json' })).toBe('sbom');
    expect(classifyReferrer({ ...d, artifactType: 'application/x-other' })).toBeUndefined();
  });

  it('knows public registries', () => {
    expect(looksPublic('docker.io')).toBe(true);
    expect(looksPublic('ghcr.io')).toBe(true);
    expect(looksPublic('registry.corp.example:5000')).toBe(false);
    expect(looksPublic('127.0.0.1:5000')).toBe(false);
  });
});
