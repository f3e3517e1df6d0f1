import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_DIR, exampleImage } from './helpers/example-image.js';
import { buildLayers, writeOciLayout } from './helpers/image-builder.js';

describe('the bundled example image', () => {
  it('is exactly what its generator makes (UPDATE_EXAMPLE=1 rewrites it)', async () => {
    if (process.env.UPDATE_EXAMPLE === '1') {
      rmSync(EXAMPLE_DIR, { recursive: true, force: true });
      await writeOciLayout(exampleImage(), EXAMPLE_DIR, 'example');
    }
    const index = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'index.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    const config = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, 'blobs/sha256', manifest.config.digest.slice(7)), 'utf8'));
    const built = await buildLayers(exampleImage());
    expect(config.rootfs.diff_ids).toEqual(built.map((l) => l.diffID));
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('example');
  });
});
