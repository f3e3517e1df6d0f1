/**
 * A minimal valid image (config, no layers) pushed with our own client, for
 * tests that need something to pull but not real content.
 */
import { createHash } from 'node:crypto';
import { MediaType } from '../../artifact/image/oci-schema.js';
import type { RegistryClient } from '../client.js';
import { putManifest } from '../manifests.js';
import { uploadBlob } from '../uploads.js';

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function pushTinyImage(client: RegistryClient, repo: string, tag: string, architecture = 'amd64'): Promise<{ digest: string; bytes: Buffer }> {
  const config = Buffer.from(JSON.stringify({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  await uploadBlob(client, repo, config);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length },
      layers: [],
    }),
  );
  const digest = await putManifest(client, repo, tag, bytes, MediaType.ociManifest);
  return { digest, bytes };
}
