/**
 * Builds small but real images for tests: layer tars written with tar-stream,
 * compressed with gzip (zlib) or zstd (the `zstd` program), assembled into an
 * OCI image layout or a docker-archive exactly as the specs lay them out.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface TestEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  mode?: number;
  linkname?: string;
  uid?: number;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export interface TestLayer {
  entries: TestEntry[];
  compression?: Compression;
  createdBy?: string;
}

export interface TestImage {
  layers: TestLayer[];
  config?: Record<string, unknown>;
  architecture?: string;
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export function makeTar(entries: readonly TestEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: 0,
      mtime: new Date(0),
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
    };
    if (type === 'file') pack.entry(header, typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0)));
    else pack.entry(header);
  }
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

export function compress(data: Buffer, c: Compression): Buffer {
  if (c === 'gzip') return gzipSync(data);
  if (c === 'zstd') return execFileSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
  return data;
}

const mediaTypes: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

export interface BuiltLayer {
  tar: Buffer;
  blob: Buffer;
  diffID: string;
  digest: string;
  mediaType: string;
}

export async function buildLayers(image: TestImage): Promise<BuiltLayer[]> {
  const out: BuiltLayer[] = [];
  for (const l of image.layers) {
    const t = await makeTar(l.entries);
    const c = l.compression ?? 'gzip';
    const blob = compress(t, c);
    out.push({ tar: t, blob, diffID: `sha256:${sha256(t)}`, digest: `sha256:${sha256(blob)}`, mediaType: mediaTypes[c] });
  }
  return out;
}

export function configFor(image: TestImage, layers: BuiltLayer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: image.architecture ?? 'amd64',
      os: 'linux',
      created: '2026-01-01T00:00:00Z',
      config: image.config ?? { Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffID) },
      history: image.layers.map((l, i) => ({ created: '2026-01-01T00:00:00Z', created_by: l.createdBy ?? `layer ${i}` })),
    }),
  );
}

export function tempDir(prefix = 'bulkhead-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function writeBlob(dir: string, data: Buffer): string {
  const hex = sha256(data);
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(dir, 'blobs', 'sha256', hex), data);
  return `sha256:${hex}`;
}

/** Writes an OCI image layout; returns the layout dir and the built pieces (for tampering in tests). */
export async function writeOciLayout(
  image: TestImage,
  dir = tempDir(),
  tag = 'test',
): Promise<{ dir: string; layers: BuiltLayer[]; manifestDigest: string; configDigest: string }> {
  const layers = await buildLayers(image);
  const config = configFor(image, layers);
  const configDigest = writeBlob(dir, config);
  for (const l of layers) writeBlob(dir, l.blob);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length })),
    }),
  );
  const manifestDigest = writeBlob(dir, manifest);
  writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return { dir, layers, manifestDigest, configDigest };
}

/** Writes a `docker save`-style archive (uncompressed layer tars under <id>/layer.tar). */
export async function writeDockerArchive(image: TestImage, file: string, opts: { gzip?: boolean; repoTag?: string } = {}): Promise<BuiltLayer[]> {
  const layers = await buildLayers({ ...image, layers: image.layers.map((l) => ({ ...l, compression: 'none' as const })) });
  const config = configFor(image, layers);
  const configName = `${sha256(config)}.json`;
  const entries: TestEntry[] = [];
  const layerNames = layers.map((l) => `${l.diffID.slice(7)}/layer.tar`);
  layers.forEach((l, i) => entries.push({ name: layerNames[i]!, content: l.tar }));
  entries.push({ name: configName, content: config });
  entries.push({
    name: 'manifest.json',
    content: JSON.stringify([{ Config: configName, RepoTags: [opts.repoTag ?? 'example/test:1.0'], Layers: layerNames }]),
  });
  const archive = await makeTar(entries);
  writeFileSync(file, opts.gzip ? gzipSync(archive) : archive);
  return layers;
}
