import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_LAYOUT, hasFixtureLayout } from '../sensor/test-support.js';
import { buildImageFileIndex, lookupInIndex, parseDriftIndex, serializeDriftIndex, type DriftIndex } from './image-index.js';

const LAYOUT = FIXTURE_LAYOUT;
if (!hasFixtureLayout) console.warn(`[drift] fixture image tests skipped: ${FIXTURE_LAYOUT} is missing`);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A file of a layer blob, extracted by the system tar (an implementation independent of ours). */
function fromLayer(tag: string, layerIndex: number, path: string): Buffer {
  const index = JSON.parse(readFileSync(join(LAYOUT, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
  const m = index.manifests.find((x) => x.annotations['org.opencontainers.image.ref.name'] === tag)!;
  const manifest = JSON.parse(readFileSync(join(LAYOUT, 'blobs/sha256', m.digest.slice(7)), 'utf8')) as { layers: Array<{ digest: string }> };
  return execFileSync('tar', ['-xzOf', join(LAYOUT, 'blobs/sha256', manifest.layers[layerIndex]!.digest.slice(7)), path.slice(1)], { maxBuffer: 64 * 1024 * 1024 });
}

describe.skipIf(!hasFixtureLayout)('buildImageFileIndex on the fixture images', () => {
  let base: DriftIndex;
  let node: DriftIndex;
  beforeAll(async () => {
    [base, node] = await Promise.all([buildImageFileIndex(`oci:${LAYOUT}:debian-bookworm`), buildImageFileIndex(`oci:${LAYOUT}:app-node`)]);
  }, 60_000);

  it('hashes executables as the layer holds them', () => {
    const ls = base.files.get('/usr/bin/ls')!;
    expect(ls).toMatchObject({ type: 'file', layer: 0 });
    expect(ls.sha256).toBe(sha(fromLayer('debian-bookworm', 0, '/usr/bin/ls')));
    expect(base.files.get('/etc/passwd')?.sha256).toBeUndefined(); // not executable: listed, not hashed
    expect(base.manifestDigest).toBe('sha256:42c24435e740689e2afa8568e4c0b29aa75a38f9eb3cef81a9dce028be1b3cac');
  });

  it('applies the later layers: additions, whiteouts and modes', () => {
    expect(node.files.get('/usr/local/bin/umoci')?.sha256).toBe(sha(fromLayer('app-node', 1, '/usr/local/bin/umoci')));
    expect(node.files.has('/etc/issue.net')).toBe(false);
    expect(base.files.has('/etc/issue.net')).toBe(true);
    expect(node.files.has('/root/.ssh/id_rsa')).toBe(false);
    expect(node.files.get('/app/server.js')!.mode & 0o4000).toBe(0o4000);
  });

  it('follows the image symlinks for non-canonical paths', () => {
    expect(lookupInIndex(base, '/bin/ls')?.path).toBe('/usr/bin/ls');
    expect(lookupInIndex(base, '/bin/sh')?.path).toBe('/usr/bin/dash');
    expect(lookupInIndex(base, '/usr/bin/../bin/ls')?.path).toBe('/usr/bin/ls');
    expect(lookupInIndex(base, '/nonexistent/x')).toBeUndefined();
  });

  it('survives a round trip through its JSON form', () => {
    const back = parseDriftIndex(serializeDriftIndex(base));
    expect(back.files.size).toBe(base.files.size);
    expect(back.files.get('/usr/bin/ls')).toEqual(base.files.get('/usr/bin/ls'));
    expect(back.configDigest).toBe(base.configDigest);
  });
});

describe('parseDriftIndex', () => {
  it('refuses what is not an index', () => {
    expect(() => parseDriftIndex('{', 'cache/x.json')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', where: 'cache/x.json' }));
    expect(() => parseDriftIndex('{"version":2}')).toThrow(/version 1/);
    expect(() => parseDriftIndex('{"version":1,"reference":"x","configDigest":"y","files":[[1]]}')).toThrow(/malformed/);
  });
});

/** A two-layer OCI layout where layer 1 makes /opt/a opaque. */
async function opaqueLayout(dir: string): Promise<void> {
  const layer = async (entries: Array<{ name: string; content?: string; mode?: number }>) => {
    const pack = tar.pack();
    for (const e of entries) pack.entry({ name: e.name, mode: e.mode ?? 0o644, type: e.content === undefined ? 'directory' : 'file' }, e.content ?? '');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    return { raw, gz: gzipSync(raw) };
  };
  const l0 = await layer([{ name: 'opt/' }, { name: 'opt/a/' }, { name: 'opt/a/x', content: '#!/bin/sh\n', mode: 0o755 }, { name: 'opt/a/y', content: 'y' }, { name: 'opt/b', content: 'b', mode: 0o755 }]);
  const l1 = await layer([{ name: 'opt/a/' }, { name: 'opt/a/.wh..wh..opq', content: '' }, { name: 'opt/a/z', content: 'z', mode: 0o755 }, { name: 'opt/.wh.b', content: '' }]);
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => {
    const d = sha(b);
    writeFileSync(join(blobs, d), b);
    return { digest: `sha256:${d}`, size: b.length };
  };
  const config = put(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${sha(l0.raw)}`, `sha256:${sha(l1.raw)}`] }, history: [] })));
  const layers = [l0, l1].map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(l.gz) }));
  const manifest = put(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers })));
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'opaque' } }] }));
}

describe('buildImageFileIndex with opaque directories', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bh-opaque-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hides what lower layers had in an opaque directory and honours file whiteouts', async () => {
    await opaqueLayout(dir);
    const idx = await buildImageFileIndex(`oci:${dir}:opaque`);
    expect(idx.files.has('/opt/a/x')).toBe(false);
    expect(idx.files.has('/opt/a/y')).toBe(false);
    expect(idx.files.get('/opt/a/z')?.sha256).toBe(sha(Buffer.from('z')));
    expect(idx.files.has('/opt/b')).toBe(false);
    expect(idx.files.get('/opt/a')?.type).toBe('directory');
  });
});
