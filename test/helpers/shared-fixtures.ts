/**
 * Access to the real images in the shared fixtures (`../shared` beside the
 * repository) for tests: the files of one layer, read straight from the OCI
 * layout's gzip'd layer blob. Tests that use it skip when it is absent.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = path.resolve(repoRoot, '../shared');
export const SHARED_OCI = path.join(SHARED, 'fixtures/images/oci');
export const SHARED_ALPINE = path.join(SHARED, 'fixtures/alpine');
export const hasShared = existsSync(path.join(SHARED_OCI, 'index.json'));

function blobPath(digest: string): string {
  return path.join(SHARED_OCI, 'blobs', ...digest.split(':'));
}

/** Layer blob digests of the image tagged `tag` in the shared OCI layout, bottom first. */
export function layerDigests(tag: string): string[] {
  const index = JSON.parse(readFileSync(path.join(SHARED_OCI, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new Error(`no image tagged ${tag} in ${SHARED_OCI}`);
  const manifest = JSON.parse(readFileSync(blobPath(entry.digest), 'utf8')) as { layers: Array<{ digest: string }> };
  return manifest.layers.map((l) => l.digest);
}

export interface LayerFile {
  content: Buffer;
  mode: number;
}

/** Regular files of a gzip'd layer whose `/`-rooted path passes `wanted`, with their modes. */
export async function readLayerFiles(digest: string, wanted: (p: string) => boolean): Promise<Map<string, LayerFile>> {
  const files = new Map<string, LayerFile>();
  const tar = extract();
  createReadStream(blobPath(digest)).pipe(createGunzip()).pipe(tar as unknown as NodeJS.WritableStream);
  for await (const entry of tar) {
    const name = `/${entry.header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '')}`;
    if (entry.header.type === 'file' && wanted(name)) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      files.set(name, { content: Buffer.concat(chunks), mode: entry.header.mode ?? 0 });
    } else {
      entry.resume();
    }
  }
  return files;
}

/** The same, contents only. */
export async function layerFiles(digest: string, wanted: (p: string) => boolean): Promise<Map<string, Buffer>> {
  const files = await readLayerFiles(digest, wanted);
  return new Map([...files].map(([p, f]) => [p, f.content]));
}
