/**
 * Reads files out of one layer of an image in the shared fixtures
 * (`../shared/fixtures/images/oci` beside the repository), straight from the
 * gzip'd layer blob, so tests can run analyzers on real image content.
 * Tests using it skip when the shared fixtures are absent.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const SHARED = path.resolve(repoRoot, '../shared');
const OCI = path.join(SHARED, 'fixtures/images/oci');
export const hasSharedImages = existsSync(path.join(OCI, 'index.json'));

function blob(digest: string): string {
  return path.join(OCI, 'blobs', ...digest.split(':'));
}

/** Digest of layer `index` (0-based) of the image tagged `tag`. */
export function layerDigest(tag: string, index: number): string {
  const idx = JSON.parse(readFileSync(path.join(OCI, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  const entry = idx.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new Error(`no image tagged ${tag} in ${OCI}`);
  const manifest = JSON.parse(readFileSync(blob(entry.digest), 'utf8')) as { layers: Array<{ digest: string }> };
  const layer = manifest.layers[index];
  if (!layer) throw new Error(`image ${tag} has no layer ${index}`);
  return layer.digest;
}

/** Regular files of one layer whose `/`-rooted path passes `wanted`, by path. */
export async function layerFiles(tag: string, index: number, wanted: (p: string) => boolean): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const tar = extract();
  createReadStream(blob(layerDigest(tag, index))).pipe(createGunzip()).pipe(tar as unknown as NodeJS.WritableStream);
  for await (const entry of tar) {
    const name = `/${entry.header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '')}`;
    if (entry.header.type === 'file' && wanted(name)) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      files.set(name, Buffer.concat(chunks));
    } else {
      entry.resume();
    }
  }
  return files;
}
