/**
 * A registry image as a BlobStore, so OciImageSource resolves and streams
 * it exactly like an OCI layout: `readIndex` synthesises a one-entry
 * index.json naming the manifest the reference points at; `readBlob` serves
 * manifests from `/manifests/<digest>` (the top one and the children of any
 * index fetched) and everything else from `/blobs/<digest>`; `streamBlobs`
 * downloads layers with bounded parallelism, each verified as it streams.
 */
import type { Readable } from 'node:stream';
import { OciImageSource, type BlobStore } from '../artifact/image/oci.js';
import { parseRegistryReference, type RegistryReference } from '../artifact/image/registry.js';
import type { ImageSource } from '../artifact/image/source.js';
import { BulkheadError } from '../core/errors.js';
import { openBlob, getBlob } from './blobs.js';
import { RegistryClient } from './client.js';
import { getManifest, isIndexMediaType, type FetchedManifest } from './manifests.js';
import { DEFAULT_LAYER_CONCURRENCY, type RegistryOptions } from './options.js';

export class RegistryBlobStore implements BlobStore {
  readonly description: string;
  private top: Promise<FetchedManifest> | undefined;
  /** Manifests fetched, by digest (the top one, and children as they are read). */
  private readonly manifests = new Map<string, Buffer>();
  /** Digests known to name manifests (children of an index), fetched from /manifests/. */
  private readonly manifestDigests = new Set<string>();

  constructor(
    private readonly client: RegistryClient,
    private readonly ref: RegistryReference,
    private readonly concurrency: number = DEFAULT_LAYER_CONCURRENCY,
  ) {
    const at = ref.digest ? `@${ref.digest}` : `:${ref.tag ?? 'latest'}`;
    this.description = `registry ${ref.registry}/${ref.repository}${at}`;
  }

  private fetchTop(): Promise<FetchedManifest> {
    this.top ??= getManifest(this.client, this.ref.repository, this.ref.digest ?? this.ref.tag ?? 'latest').then((m) => {
      this.remember(m.digest, m.bytes, m.mediaType);
      return m;
    });
    return this.top;
  }

  /** Keep a fetched manifest; an index's children are manifests too. */
  private remember(digest: string, bytes: Buffer, mediaType: string | undefined): void {
    this.manifests.set(digest, bytes);
    let doc: { mediaType?: unknown; manifests?: unknown };
    try {
      doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
    } catch {
      return;
    }
    if (!isIndexMediaType(mediaType) && !isIndexMediaType(typeof doc.mediaType === 'string' ? doc.mediaType : undefined) && !Array.isArray(doc.manifests)) return;
    if (!Array.isArray(doc.manifests)) return;
    for (const m of doc.manifests.slice(0, 10_000) as Array<{ digest?: unknown }>) {
      if (m && typeof m.digest === 'string') this.manifestDigests.add(m.digest);
    }
  }

  async readIndex(): Promise<Buffer> {
    const top = await this.fetchTop();
    const index = {
      schemaVersion: 2,
      manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.bytes.length }],
    };
    return Buffer.from(JSON.stringify(index));
  }

  async readBlob(digest: string, maxBytes: number): Promise<Buffer> {
    await this.fetchTop();
    const known = this.manifests.get(digest);
    if (known) {
      if (known.length > maxBytes) throw new BulkheadError('LIMIT_EXCEEDED', `manifest ${digest} is ${known.length} bytes, more than the ${maxBytes} allowed`, { where: this.description });
      return known;
    }
    if (this.manifestDigests.has(digest)) {
      const m = await getManifest(this.client, this.ref.repository, digest);
      if (m.bytes.length > maxBytes) throw new BulkheadError('LIMIT_EXCEEDED', `manifest ${digest} is ${m.bytes.length} bytes, more than the ${maxBytes} allowed`, { where: this.description });
      this.remember(digest, m.bytes, m.mediaType);
      return m.bytes;
    }
    return getBlob(this.client, this.ref.repository, digest, maxBytes);
  }

  async streamBlobs(digests: readonly string[], visit: (digest: string, stream: Readable) => Promise<void>): Promise<void> {
    const queue = [...digests];
    let failure: unknown;
    const worker = async () => {
      while (queue.length > 0 && failure === undefined) {
        const digest = queue.shift()!;
        let stream: Readable | undefined;
        try {
          stream = await openBlob(this.client, this.ref.repository, digest);
          await visit(digest, stream);
        } catch (e) {
          failure ??= e;
        } finally {
          if (stream && !stream.destroyed && !stream.readableEnded) stream.destroy();
        }
      }
    };
    const n = Math.max(1, Math.min(this.concurrency, digests.length));
    await Promise.all(Array.from({ length: n }, worker));
    if (failure !== undefined) throw failure;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** Parse a registry reference or say why it is not one. */
export function requireReference(reference: string): RegistryReference {
  const parsed = parseRegistryReference(reference);
  if (!parsed) {
    throw new BulkheadError('TARGET_NOT_FOUND', `"${reference}" is not a valid image reference`, {
      hint: 'write it as [registry[:port]/]repository[:tag][@sha256:digest], e.g. registry.example:5000/team/app:1.2',
    });
  }
  return parsed;
}

/** Open a registry image for scanning: the same ImageSource the OCI layout gives. */
export async function openRegistryImage(reference: string, options: RegistryOptions = {}): Promise<ImageSource> {
  const ref = requireReference(reference);
  const client = new RegistryClient(ref.registry, options);
  const store = new RegistryBlobStore(client, ref, options.layerConcurrency ?? DEFAULT_LAYER_CONCURRENCY);
  return new OciImageSource(store, undefined, reference);
}
