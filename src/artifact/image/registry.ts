/**
 * Registry references (`registry.example:5000/app:1.2`, `…@sha256:…`). The
 * OCI distribution client in src/registry/ provides a BlobStore
 * (index/manifest/config by digest, layers streamed with digest checks), so
 * registry images reuse OciImageSource unchanged.
 */
import { BulkheadError } from '../../core/errors.js';

export interface RegistryReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parse a docker-style reference; Docker Hub names get `docker.io` and `library/`. */
export function parseRegistryReference(ref: string): RegistryReference | undefined {
  const m = /^(?:([a-zA-Z0-9.-]+(?::[0-9]+)?|localhost(?::[0-9]+)?)\/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(ref);
  if (!m) return undefined;
  let [, registry, repository] = m as unknown as [string, string | undefined, string];
  const tag = m[3];
  const digest = m[4];
  // A first component without a dot or port is a Docker Hub namespace, not a host.
  if (registry && !registry.includes('.') && !registry.includes(':') && registry !== 'localhost') {
    repository = `${registry}/${repository}`;
    registry = undefined;
  }
  registry ??= 'docker.io';
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  const out: RegistryReference = { registry, repository };
  if (tag) out.tag = tag;
  if (digest) out.digest = digest;
  if (!tag && !digest) out.tag = 'latest';
  return out;
}

/** A target that is neither a path nor a valid image reference. */
export function registryNotAvailable(ref: string): never {
  throw new BulkheadError('TARGET_NOT_FOUND', `"${ref}" is neither a file, a directory nor a valid image reference`, {
    hint: 'use docker-archive:<file>, oci-archive:<file>, oci:<dir>[:tag], a path to an archive, or a registry reference (host[:port]/repo[:tag|@digest])',
  });
}
