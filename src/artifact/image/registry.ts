/**
 * Registry references (`registry.example:5000/app:1.2`, `…@sha256:…`). The
 * OCI distribution client lives in src/registry/ and will provide a BlobStore
 * (index/manifest/config by digest, layers streamed with digest checks), so
 * registry images reuse OciImageSource unchanged. Until that client lands, a
 * registry reference is refused with a clear message instead of guessed at.
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

export function registryNotAvailable(ref: string): never {
  const parsed = parseRegistryReference(ref);
  throw new BulkheadError(
    parsed ? 'TARGET_UNSUPPORTED' : 'TARGET_NOT_FOUND',
    parsed
      ? `"${ref}" names a registry image (${parsed.registry}/${parsed.repository}), and registry access is not built yet`
      : `"${ref}" is neither a file, a directory nor a valid image reference`,
    {
      hint: parsed
        ? `export it first, e.g. skopeo copy docker://${ref} oci-archive:image.tar, then scan oci-archive:image.tar`
        : 'use docker-archive:<file>, oci-archive:<file>, oci:<dir>[:tag] or a path to an archive',
    },
  );
}
