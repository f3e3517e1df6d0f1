/**
 * Image references to the digest a scan is filed under, once per request:
 * the trust gate and the vulnerability gate share one manifest fetch per
 * (repository, tag or digest) through a request-scoped store, and a
 * multi-platform index is narrowed to the platform manifest the server
 * stores scans by (ScanResult image.manifestDigest).
 */
import { indexSchema, parseDocument } from '../../artifact/image/oci-schema.js';
import { DEFAULT_PLATFORM, formatPlatform, selectPlatform, type Platform } from '../../artifact/image/source.js';
import { isIndexMediaType } from '../../registry/manifests.js';
import { BulkheadError } from '../../core/errors.js';
import type { ArtifactStore } from '../../sign/index.js';
import { splitReference } from '../../sign/index.js';
import type { ResolvedImage } from './gates.js';

type Manifest = Awaited<ReturnType<ArtifactStore['getManifest']>>;

/**
 * A store whose manifest reads are remembered for the life of one request
 * (concurrent reads of the same manifest share one fetch). Everything else
 * goes to the underlying store.
 */
export function requestScopedStores(storeFor: (imageRef: string) => ArtifactStore): (imageRef: string) => ArtifactStore {
  const stores = new Map<string, ArtifactStore>();
  return (imageRef) => {
    const inner = storeFor(imageRef);
    let store = stores.get(inner.repository);
    if (!store) {
      const manifests = new Map<string, Promise<Manifest>>();
      store = {
        repository: inner.repository,
        getManifest: (reference) => {
          let m = manifests.get(reference);
          if (!m) {
            m = inner.getManifest(reference);
            manifests.set(reference, m);
            // A failed read is not remembered: another gate may retry it.
            m.catch(() => manifests.delete(reference));
          }
          return m;
        },
        putManifest: (...a) => inner.putManifest(...a),
        getBlob: (...a) => inner.getBlob(...a),
        putBlob: (...a) => inner.putBlob(...a),
        referrers: (...a) => inner.referrers(...a),
        listTags: () => inner.listTags(),
      };
      stores.set(inner.repository, store);
    }
    return store;
  };
}

const notAReference = (imageRef: string): ResolvedImage => ({ none: `${JSON.stringify(imageRef.slice(0, 200))} is not an image reference` });

/**
 * The digest a scan of `imageRef` is filed under: its manifest's digest, or
 * for a multi-platform index the digest of the `platform` entry. `none` says
 * why there is nothing to look up (no such tag, no such platform); registry
 * failures reject.
 */
export async function scanDigestOf(store: ArtifactStore, imageRef: string, platform: Platform = DEFAULT_PLATFORM): Promise<ResolvedImage> {
  const ref = splitReference(imageRef);
  if (!ref) return notAReference(imageRef);
  const wanted = ref.digest ?? ref.tag ?? 'latest';
  const m = await store.getManifest(wanted);
  if (!m) return { none: `${ref.repository}${ref.digest ? '@' : ':'}${wanted} does not exist in the registry` };
  if (!isIndexMediaType(m.mediaType)) return { digest: m.digest };
  const index = parseDocument(indexSchema, m.bytes, 'image index', `${ref.repository}@${m.digest}`);
  const entries = index.manifests.filter((e) => !isIndexMediaType(e.mediaType));
  try {
    const chosen = selectPlatform(entries, platform, `${ref.repository}@${m.digest}`);
    return { digest: chosen.digest };
  } catch (e) {
    if (e instanceof BulkheadError && e.code === 'PLATFORM_NOT_FOUND') return { none: `the image index ${m.digest} has no ${formatPlatform(platform)} image` };
    throw e;
  }
}

/** Per request: each image resolved once, whatever the number of gates asking. */
export function requestResolver(storeFor: (imageRef: string) => ArtifactStore, platform: Platform | undefined): (imageRef: string) => Promise<ResolvedImage> {
  const resolved = new Map<string, Promise<ResolvedImage>>();
  return (imageRef) => {
    let r = resolved.get(imageRef);
    if (!r) {
      r = splitReference(imageRef) ? scanDigestOf(storeFor(imageRef), imageRef, platform) : Promise.resolve(notAReference(imageRef));
      resolved.set(imageRef, r);
    }
    return r;
  };
}
