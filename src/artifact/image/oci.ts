/**
 * Image resolution for content-addressed stores (OCI layout directory, OCI
 * archive; the registry client will offer the same store shape): index →
 * (platform) → manifest → config, every document verified against its digest.
 */
import type { Readable } from 'node:stream';
import { BulkheadError } from '../../core/errors.js';
import { buildImage } from './metadata.js';
import {
  configSchema,
  indexSchema,
  manifestSchema,
  MediaType,
  parseDocument,
  type Descriptor,
  type ImageIndex,
} from './oci-schema.js';
import {
  selectPlatform,
  verifyDigest,
  type ImageSource,
  type LayerBlob,
  type LayerVisitor,
  type Platform,
  type ResolvedImage,
} from './source.js';

/** Largest manifest, index or config we accept into memory. */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export interface BlobStore {
  readonly description: string;
  /** The top-level index.json of the layout. */
  readIndex(): Promise<Buffer>;
  /** A small blob (manifest, config) in memory, at most `maxBytes`. */
  readBlob(digest: string, maxBytes: number): Promise<Buffer>;
  /** Stream each blob once, in the store's preferred order. */
  streamBlobs(digests: readonly string[], visit: (digest: string, stream: Readable) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** What the user picked inside a layout: a tag (ref.name annotation), a digest, or nothing. */
export type ManifestSelector = { tag: string } | { digest: string } | undefined;

const isIndexType = (t: string | undefined) => t === MediaType.ociIndex || t === MediaType.dockerManifestList;

export class OciImageSource implements ImageSource {
  constructor(
    private readonly store: BlobStore,
    private readonly selector: ManifestSelector,
    private readonly reference: string,
  ) {}

  get description(): string {
    return this.store.description;
  }

  async resolve(platform: Platform): Promise<ResolvedImage> {
    const where = this.store.description;
    const top = parseDocument(indexSchema, await this.store.readIndex(), 'index.json', `${where}/index.json`);
    let descriptor = this.pick(top, where);
    let indexDigest: string | undefined;
    // Follow nested indexes (a layout whose entry is a multi-platform index) to one manifest.
    for (let depth = 0; isIndexType(descriptor.mediaType); depth++) {
      if (depth >= 4) throw new BulkheadError('MANIFEST_INVALID', 'image indexes nest too deeply', { where });
      const bytes = await this.document(descriptor, 'image index');
      const index = parseDocument(indexSchema, bytes, 'image index', `${where} blob ${descriptor.digest}`);
      indexDigest = descriptor.digest;
      descriptor = selectPlatform(index.manifests, platform, `${where} index ${descriptor.digest}`);
    }
    const manifestWhere = `${where} manifest ${descriptor.digest}`;
    const manifestBytes = await this.document(descriptor, 'image manifest');
    const manifest = parseDocument(manifestSchema, manifestBytes, 'image manifest', manifestWhere);
    if (manifest.mediaType && isIndexType(manifest.mediaType)) {
      throw new BulkheadError('MANIFEST_INVALID', 'expected an image manifest, found an index', { where: manifestWhere });
    }
    const configBytes = await this.document(manifest.config, 'image config');
    const config = parseDocument(configSchema, configBytes, 'image config', `${where} config ${manifest.config.digest}`, 'CONFIG_INVALID');
    return buildImage({
      reference: this.reference,
      config,
      configDigest: manifest.config.digest,
      manifestDigest: descriptor.digest,
      indexDigest,
      layers: manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
      where: manifestWhere,
    });
  }

  async streamLayers(layers: readonly LayerBlob[], visit: LayerVisitor): Promise<void> {
    const byDigest = new Map<string, LayerBlob[]>();
    for (const l of layers) {
      if (!l.digest) throw new BulkheadError('INTERNAL', `layer ${l.index} has no digest`);
      const list = byDigest.get(l.digest) ?? [];
      list.push(l);
      byDigest.set(l.digest, list);
    }
    // The same blob twice in one image is read once; the visitor sees it under its first position.
    await this.store.streamBlobs([...byDigest.keys()], (digest, stream) => visit(byDigest.get(digest)![0]!, stream));
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private pick(index: ImageIndex, where: string): Descriptor {
    const sel = this.selector;
    if (sel && 'tag' in sel) {
      const found = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === sel.tag);
      if (!found) {
        const tags = index.manifests
          .map((m) => m.annotations?.['org.opencontainers.image.ref.name'])
          .filter((t): t is string => !!t);
        throw new BulkheadError('TARGET_NOT_FOUND', `no image tagged "${sel.tag}" in the layout`, {
          where,
          hint: tags.length ? `available tags: ${tags.join(', ')}` : 'the layout has no tagged images; name one by digest',
        });
      }
      return found;
    }
    if (sel && 'digest' in sel) {
      const found = index.manifests.find((m) => m.digest === sel.digest);
      if (!found) throw new BulkheadError('TARGET_NOT_FOUND', `no manifest ${sel.digest} in the layout`, { where });
      return found;
    }
    if (index.manifests.length === 1) return index.manifests[0]!;
    if (index.manifests.length === 0) throw new BulkheadError('MANIFEST_INVALID', 'index.json lists no images', { where });
    const tags = index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name'] ?? m.digest);
    throw new BulkheadError('USAGE', `the layout holds ${index.manifests.length} images; say which one`, {
      where,
      hint: `append :tag or @digest to the reference, one of: ${tags.join(', ')}`,
    });
  }

  private async document(descriptor: Descriptor, what: string): Promise<Buffer> {
    const where = `${this.store.description} blob ${descriptor.digest}`;
    if (descriptor.size > MAX_DOCUMENT_BYTES) {
      throw new BulkheadError('LIMIT_EXCEEDED', `${what} declares ${descriptor.size} bytes, more than the ${MAX_DOCUMENT_BYTES} allowed`, { where });
    }
    const bytes = await this.store.readBlob(descriptor.digest, MAX_DOCUMENT_BYTES);
    if (bytes.length !== descriptor.size) {
      throw new BulkheadError('DIGEST_MISMATCH', `${what} is ${bytes.length} bytes but its descriptor says ${descriptor.size}`, {
        where,
        hint: 'the image is corrupt or was tampered with; export it again',
      });
    }
    verifyDigest(bytes, descriptor.digest, what, where);
    return bytes;
  }
}
