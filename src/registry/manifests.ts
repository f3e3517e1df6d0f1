/**
 * Manifests by tag or digest: fetched with an Accept header listing every
 * image manifest and index type we read, bounded in size, and verified:
 * by digest the content must hash to it; by tag we hash what came and check
 * it against the registry's `Docker-Content-Digest`.
 */
import { createHash } from 'node:crypto';
import { MAX_DOCUMENT_BYTES } from '../artifact/image/oci.js';
import { MediaType } from '../artifact/image/oci-schema.js';
import { verifyDigest } from '../artifact/image/source.js';
import { BulkheadError } from '../core/errors.js';
import { Scope } from './auth.js';
import { checkReference, checkRepository, DIGEST, type RegistryClient } from './client.js';
import { protocolError, safeUrl } from './errors.js';
import { header, readBody, type HttpResponse } from './transport.js';

export const MANIFEST_MEDIA_TYPES = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList] as const;
const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList]);
const SCHEMA1 = /^application\/vnd\.docker\.distribution\.manifest\.v1\+(?:prettyjws|json)$/;

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface ManifestHead {
  digest?: string;
  mediaType?: string;
  size?: number;
}

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_TYPES.has(mediaType);
}

function contentType(res: HttpResponse): string | undefined {
  const ct = header(res, 'content-type');
  return ct ? ct.split(';')[0]!.trim().toLowerCase() : undefined;
}

function manifestPath(repository: string, reference: string): string {
  return `/v2/${checkRepository(repository)}/manifests/${checkReference(reference)}`;
}

/** The media type a document declares for itself, or what its shape says. */
function declaredMediaType(bytes: Buffer): string | undefined {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown; config?: unknown };
    if (typeof doc.mediaType === 'string') return doc.mediaType;
    if (Array.isArray(doc.manifests)) return MediaType.ociIndex;
    if (doc.config && typeof doc.config === 'object') return MediaType.ociManifest;
  } catch {
    // Not JSON: the parser downstream reports it with context.
  }
  return undefined;
}

export async function getManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  accept: readonly string[] = MANIFEST_MEDIA_TYPES,
): Promise<FetchedManifest> {
  const what = `manifest ${repository}:${reference}`;
  const res = await client.request({
    method: 'GET',
    target: manifestPath(repository, reference),
    scopes: [Scope.pull(repository)],
    expect: [200],
    headers: { Accept: accept.join(', ') },
    what,
  });
  const where = safeUrl(res.url);
  const declared = Number(header(res, 'content-length'));
  if (Number.isFinite(declared) && declared > MAX_DOCUMENT_BYTES) {
    res.body.destroy();
    throw new BulkheadError('LIMIT_EXCEEDED', `${what} is ${declared} bytes, more than the ${MAX_DOCUMENT_BYTES} allowed`, { where });
  }
  const bytes = await readBody(res, MAX_DOCUMENT_BYTES);
  if (!bytes) throw new BulkheadError('LIMIT_EXCEEDED', `${what} is larger than the ${MAX_DOCUMENT_BYTES} bytes allowed`, { where });
  const ct = contentType(res);
  if (ct && SCHEMA1.test(ct)) {
    throw new BulkheadError('REGISTRY_UNSUPPORTED', `${what} is a Docker schema 1 manifest, which is obsolete and not supported`, {
      where,
      hint: 'push the image again with a current client (docker, skopeo, buildkit) so it gets a schema 2 or OCI manifest',
    });
  }
  let digest: string;
  if (DIGEST.test(reference)) {
    verifyDigest(bytes, reference, what, where);
    digest = reference;
  } else {
    const claimed = header(res, 'docker-content-digest');
    if (claimed && DIGEST.test(claimed)) {
      verifyDigest(bytes, claimed, what, where);
      digest = claimed;
    } else {
      digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    }
  }
  // The document's own mediaType field is authoritative; a generic Content-Type is not.
  const mediaType = declaredMediaType(bytes) ?? (ct && ct !== 'application/json' && ct !== 'text/plain' ? ct : undefined);
  if (!mediaType) throw protocolError(`${what}: the registry did not say what kind of document it served`, res.url);
  return { digest, mediaType, bytes };
}

/** HEAD a manifest: digest, media type and size without the body; undefined on 404. */
export async function headManifest(client: RegistryClient, repository: string, reference: string): Promise<ManifestHead | undefined> {
  const res = await client.request({
    method: 'HEAD',
    target: manifestPath(repository, reference),
    scopes: [Scope.pull(repository)],
    expect: [200, 404],
    headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
    what: `manifest ${repository}:${reference}`,
  });
  res.body.resume();
  if (res.status === 404) return undefined;
  const out: ManifestHead = {};
  const digest = header(res, 'docker-content-digest');
  if (digest && DIGEST.test(digest)) out.digest = digest;
  const ct = contentType(res);
  if (ct) out.mediaType = ct;
  const size = Number(header(res, 'content-length'));
  if (Number.isSafeInteger(size) && size >= 0) out.size = size;
  return out;
}

/** PUT a manifest under a tag or its own digest; returns its digest (checked against the registry's). */
export async function putManifest(client: RegistryClient, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const what = `manifest ${repository}:${reference}`;
  if (bytes.length > MAX_DOCUMENT_BYTES) {
    throw new BulkheadError('LIMIT_EXCEEDED', `${what} is ${bytes.length} bytes, more than the ${MAX_DOCUMENT_BYTES} allowed`, { where: `${client.registry}/${repository}` });
  }
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (DIGEST.test(reference)) verifyDigest(bytes, reference, what, `${client.registry}/${repository}@${reference}`);
  const res = await client.request({
    method: 'PUT',
    target: manifestPath(repository, reference),
    scopes: [Scope.push(repository)],
    expect: [200, 201, 202, 204],
    headers: { 'Content-Type': mediaType },
    body: bytes,
    what,
  });
  res.body.resume();
  const stored = header(res, 'docker-content-digest');
  if (stored && stored.startsWith('sha256:') && stored !== digest) {
    throw protocolError(`${what}: the registry stored it as ${stored}, not ${digest}`, res.url, 'the registry rewrote the manifest; it cannot be referenced by our digest');
  }
  return digest;
}

/** DELETE a manifest by digest (registries refuse deletes by tag). */
export async function deleteManifest(client: RegistryClient, repository: string, digest: string): Promise<void> {
  if (!DIGEST.test(digest)) throw new BulkheadError('USAGE', 'manifests are deleted by digest', { hint: 'resolve the tag to its digest first' });
  const res = await client.request({
    method: 'DELETE',
    target: manifestPath(repository, digest),
    scopes: [Scope.remove(repository)],
    expect: [200, 202, 204],
    what: `delete manifest ${repository}@${digest}`,
  });
  res.body.resume();
}
