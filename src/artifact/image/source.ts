/**
 * An image source opens one image format (docker-archive, OCI layout, OCI
 * archive, registry) and offers the same two things: the resolved image
 * metadata for a platform, and a way to stream each layer blob once.
 * Everything after that (layer walking, analysis, caching) is shared.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BulkheadError } from '../../core/errors.js';
import type { ImageMetadata } from '../../core/types.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new BulkheadError('USAGE', `invalid platform "${text}"`, {
      hint: 'write it as os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8',
    });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** A layer to read: its position, the digest it is stored under (if any) and its diffID. */
export interface LayerBlob {
  index: number;
  /** Digest of the stored blob; verified while streaming when present. */
  digest?: string;
  /** Digest of the uncompressed tar (config rootfs.diff_ids); always verified. */
  diffID: string;
  mediaType?: string;
  size?: number;
}

export interface ResolvedImage {
  metadata: ImageMetadata;
  layers: LayerBlob[];
}

export type LayerVisitor = (layer: LayerBlob, blob: Readable) => Promise<void>;

export interface ImageSource {
  /** Human-readable name for messages: `oci-layout /path:tag`. */
  readonly description: string;
  resolve(platform: Platform): Promise<ResolvedImage>;
  /**
   * Stream each of `layers` exactly once and hand it to `visit`, in whatever
   * order is cheapest for the source (archive order, parallel downloads).
   * `visit` must consume or destroy the stream.
   */
  streamLayers(layers: readonly LayerBlob[], visit: LayerVisitor): Promise<void>;
  close(): Promise<void>;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Check bytes against a digest; only sha256 and sha512 are accepted. */
export function verifyDigest(bytes: Buffer, digest: string, what: string, where: string): void {
  const [algorithm, expected] = splitDigest(digest, where);
  const actual = createHash(algorithm).update(bytes).digest('hex');
  if (actual !== expected) {
    throw new BulkheadError('DIGEST_MISMATCH', `${what} does not match its digest ${digest} (content is ${algorithm}:${actual})`, {
      where,
      hint: 'the image is corrupt or was tampered with; fetch or export it again',
    });
  }
}

export function splitDigest(digest: string, where: string): ['sha256' | 'sha512', string] {
  const i = digest.indexOf(':');
  const algorithm = digest.slice(0, i);
  const hex = digest.slice(i + 1);
  if ((algorithm === 'sha256' && /^[a-f0-9]{64}$/.test(hex)) || (algorithm === 'sha512' && /^[a-f0-9]{128}$/.test(hex))) {
    return [algorithm, hex];
  }
  throw new BulkheadError('MANIFEST_INVALID', `unsupported or malformed digest "${digest}"`, {
    where,
    hint: 'only sha256 and sha512 digests are supported',
  });
}

/** Pick the manifest for a platform from an index's descriptors. */
export function selectPlatform<T extends { platform?: { os: string; architecture: string; variant?: string } }>(
  manifests: readonly T[],
  platform: Platform,
  where: string,
): T {
  const candidates = manifests.filter(
    (m) => m.platform && m.platform.os === platform.os && m.platform.architecture === platform.architecture,
  );
  const exact = platform.variant ? candidates.filter((m) => m.platform?.variant === platform.variant) : candidates;
  // arm64 without a variant means v8; prefer an exact variant, then no variant.
  const chosen = exact[0] ?? (platform.variant ? undefined : candidates.find((m) => !m.platform?.variant) ?? candidates[0]);
  if (!chosen) {
    const available = manifests
      .map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown'))
      .filter((p) => p !== 'unknown/unknown')
      .join(', ');
    throw new BulkheadError('PLATFORM_NOT_FOUND', `the image has no ${formatPlatform(platform)} variant`, {
      where,
      hint: available ? `choose one with --platform: ${available}` : 'the index lists no platforms',
    });
  }
  return chosen;
}
