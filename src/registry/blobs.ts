/**
 * Blobs: streamed with digest verification (the stream errors with
 * DIGEST_MISMATCH at its end when the content is wrong), read whole when
 * small and bounded, or checked for existence with HEAD.
 */
import type { Readable } from 'node:stream';
import { verifyDigest } from '../artifact/image/source.js';
import { BulkheadError } from '../core/errors.js';
import { Scope } from './auth.js';
import { checkRepository, DIGEST, type RegistryClient } from './client.js';
import { networkError, safeUrl } from './errors.js';
import { header, readBody } from './transport.js';
import { DigestVerifier } from './verify-stream.js';

function blobPath(repository: string, digest: string): string {
  if (!DIGEST.test(digest)) {
    throw new BulkheadError('MANIFEST_INVALID', `"${digest.slice(0, 100)}" is not a sha256/sha512 digest`, {
      where: repository,
      hint: 'only sha256 and sha512 digests are supported',
    });
  }
  return `/v2/${checkRepository(repository)}/blobs/${digest}`;
}

/** A blob as a stream that verifies its digest (and size, when given) as it is read. */
export async function openBlob(client: RegistryClient, repository: string, digest: string, expectedSize?: number): Promise<Readable> {
  const what = `blob ${digest} of ${repository}`;
  const res = await client.request({ method: 'GET', target: blobPath(repository, digest), scopes: [Scope.pull(repository)], expect: [200], what });
  const where = safeUrl(res.url);
  const length = Number(header(res, 'content-length'));
  if (expectedSize !== undefined && Number.isFinite(length) && header(res, 'content-length') !== undefined && length !== expectedSize) {
    res.body.destroy();
    throw new BulkheadError('DIGEST_MISMATCH', `${what} is served as ${length} bytes but its descriptor says ${expectedSize}`, {
      where,
      hint: 'the registry and the manifest disagree; the image is corrupt or was tampered with',
    });
  }
  const verifier = new DigestVerifier(digest, where, expectedSize);
  res.body.on('error', (e) => verifier.destroy(networkError(e, res.url, res.url.host, what)));
  verifier.on('close', () => {
    if (!res.body.readableEnded) res.body.destroy();
  });
  res.body.pipe(verifier);
  return verifier;
}

/** A small blob in memory (config, signature payload), at most `maxBytes`, verified. */
export async function getBlob(client: RegistryClient, repository: string, digest: string, maxBytes: number): Promise<Buffer> {
  const what = `blob ${digest} of ${repository}`;
  const res = await client.request({ method: 'GET', target: blobPath(repository, digest), scopes: [Scope.pull(repository)], expect: [200], what });
  const where = safeUrl(res.url);
  const length = Number(header(res, 'content-length'));
  if (Number.isFinite(length) && length > maxBytes) {
    res.body.destroy();
    throw new BulkheadError('LIMIT_EXCEEDED', `${what} is ${length} bytes, more than the ${maxBytes} allowed`, { where });
  }
  let bytes: Buffer | undefined;
  try {
    bytes = await readBody(res, maxBytes);
  } catch (e) {
    throw networkError(e, res.url, res.url.host, what);
  }
  if (!bytes) throw new BulkheadError('LIMIT_EXCEEDED', `${what} is larger than the ${maxBytes} bytes allowed`, { where });
  verifyDigest(bytes, digest, what, where);
  return bytes;
}

/** Does the repository have this blob? (HEAD; 404 is "no", anything else unexpected throws.) */
export async function blobExists(client: RegistryClient, repository: string, digest: string, scopes?: readonly string[]): Promise<boolean> {
  const res = await client.request({
    method: 'HEAD',
    target: blobPath(repository, digest),
    scopes: scopes ?? [Scope.pull(repository)],
    expect: [200, 404],
    what: `blob ${digest} of ${repository}`,
  });
  res.body.resume();
  return res.status === 200;
}
