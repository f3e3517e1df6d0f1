/**
 * Blob uploads: monolithic (POST, then PUT with the digest and the bytes),
 * chunked (POST, PATCH each chunk with Content-Range, PUT with the digest),
 * and cross-repository mount (POST ?mount=&from=), which a registry may
 * decline by answering 202 with an upload session instead of 201: then the
 * bytes go up through that session. Existing blobs are skipped (HEAD).
 */
import { createHash } from 'node:crypto';
import { BulkheadError } from '../core/errors.js';
import { Scope } from './auth.js';
import { blobExists } from './blobs.js';
import { checkRepository, type RegistryClient } from './client.js';
import { protocolError } from './errors.js';
import { DEFAULT_CHUNK_SIZE } from './options.js';
import { header } from './transport.js';

export type UploadOutcome = 'exists' | 'mounted' | 'monolithic' | 'chunked';

export interface UploadOptions {
  /** Bytes per PATCH; blobs larger than this are uploaded in chunks. Default from options.chunkSize or 16 MiB. */
  chunkSize?: number;
  /** Try a cross-repository mount from this repository first. */
  mountFrom?: string;
  /** HEAD first and skip when the blob is there (default true). */
  skipExisting?: boolean;
}

export interface StartedUpload {
  /** Session URL for PATCH/PUT; absent when the blob was mounted. */
  location?: URL;
  mounted: boolean;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function locationOf(base: URL, value: string | undefined, what: string): URL {
  if (!value) throw protocolError(`${what}: the registry opened an upload without saying where (no Location)`, base);
  try {
    return new URL(value, base);
  } catch {
    throw protocolError(`${what}: the registry's upload Location is not a URL`, base);
  }
}

/** POST an upload session, or a mount when `mount` is given (201 mounted, 202 session). */
export async function startUpload(
  client: RegistryClient,
  repository: string,
  mount?: { digest: string; from: string },
  scopes?: readonly string[],
): Promise<StartedUpload> {
  const what = mount ? `mount ${mount.digest} from ${mount.from} into ${repository}` : `upload to ${repository}`;
  let target = `/v2/${checkRepository(repository)}/blobs/uploads/`;
  const needed = scopes ?? [Scope.push(repository)];
  const requestScopes = mount ? [...needed, Scope.pull(checkRepository(mount.from))] : needed;
  if (mount) target += `?${new URLSearchParams({ mount: mount.digest, from: mount.from }).toString()}`;
  const res = await client.request({ method: 'POST', target, scopes: requestScopes, expect: [201, 202], what });
  res.body.resume();
  if (res.status === 201) return { mounted: true };
  return { location: locationOf(res.url, header(res, 'location'), what), mounted: false };
}

/** Abandon an upload session (best effort by the caller's choice; errors are thrown). */
export async function cancelUpload(client: RegistryClient, repository: string, location: URL): Promise<void> {
  const res = await client.request({
    method: 'DELETE',
    target: location,
    scopes: [Scope.push(repository)],
    expect: [200, 202, 204, 404],
    what: `cancel upload to ${repository}`,
  });
  res.body.resume();
}

function withDigest(location: URL, digest: string): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}

/** Upload `bytes` as a blob of `repository`; returns its digest and how it got there. */
export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  bytes: Buffer,
  options: UploadOptions = {},
): Promise<{ digest: string; outcome: UploadOutcome }> {
  const digest = sha256Digest(bytes);
  const scopes = [Scope.push(repository)];
  if (options.skipExisting !== false && (await blobExists(client, repository, digest, scopes))) return { digest, outcome: 'exists' };
  const started = await startUpload(client, repository, options.mountFrom ? { digest, from: options.mountFrom } : undefined, scopes);
  if (started.mounted) return { digest, outcome: 'mounted' };
  let location = started.location!;
  const chunkSize = Math.max(1, options.chunkSize ?? client.options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  try {
    if (bytes.length <= chunkSize) {
      await finishUpload(client, repository, withDigest(location, digest), digest, bytes);
      return { digest, outcome: 'monolithic' };
    }
    for (let offset = 0; offset < bytes.length; offset += chunkSize) {
      const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + chunkSize));
      const end = offset + chunk.length - 1;
      const res = await client.request({
        method: 'PATCH',
        target: location,
        scopes,
        expect: [202, 204],
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${end}` },
        body: chunk,
        what: `upload chunk ${offset}-${end} of ${digest} to ${repository}`,
        // A repeated chunk could be appended twice; the caller retries the whole upload instead.
        retry: false,
      });
      res.body.resume();
      const range = header(res, 'range');
      if (range && !new RegExp(`^(?:bytes=)?0-${end}$`).test(range.trim())) {
        throw protocolError(`upload of ${digest}: the registry holds ${range} after a chunk ending at ${end}`, res.url, 'the upload went out of step; try again');
      }
      const next = header(res, 'location');
      if (next) location = locationOf(res.url, next, `upload to ${repository}`);
    }
    await finishUpload(client, repository, withDigest(location, digest), digest);
    return { digest, outcome: 'chunked' };
  } catch (e) {
    // A final PUT whose answer was lost may have landed: then the blob is there and all is well.
    if (await blobExists(client, repository, digest, scopes).catch(() => false)) return { digest, outcome: bytes.length <= chunkSize ? 'monolithic' : 'chunked' };
    await cancelUpload(client, repository, location).catch(() => undefined);
    throw e;
  }
}

async function finishUpload(client: RegistryClient, repository: string, url: URL, digest: string, body?: Buffer): Promise<void> {
  const req: Parameters<RegistryClient['request']>[0] = {
    method: 'PUT',
    target: url,
    scopes: [Scope.push(repository)],
    expect: [201, 204],
    headers: { 'Content-Type': 'application/octet-stream' },
    what: `upload of ${digest} to ${repository}`,
  };
  if (body) req.body = body;
  const res = await client.request(req);
  res.body.resume();
  const stored = header(res, 'docker-content-digest');
  if (stored && stored !== digest) {
    throw new BulkheadError('REGISTRY_PROTOCOL', `the registry stored the blob as ${stored}, not ${digest}`, {
      where: `${client.registry}/${repository}`,
      hint: 'the registry corrupted the upload; try again',
    });
  }
}
