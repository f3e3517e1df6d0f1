/**
 * Who an image is, as far as its reference and repo tags tell: the registry
 * repository (Docker Hub names normalised to `docker.io/library/…`), the tag,
 * and its `pkg:oci` purl (which needs the manifest digest).
 */
import { PackageURL } from 'packageurl-js';
import type { ImageMetadata } from '../core/types.js';

export interface ImageIdentity {
  /** purl name: the repository's last path segment, else the archive or layout's file name. */
  name: string;
  /** `registry/path`, when known. */
  repository?: string;
  tag?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]{1,5})?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_REFERENCE = 4096;

export interface RegistryReference {
  repository: string;
  tag?: string;
  digest?: string;
  /** Names a registry, a tag or a digest: not just a word that might as well be a file name. */
  explicit: boolean;
}

/** `registry.example:5000/team/app:1.2@sha256:…`; undefined when `ref` is not a registry reference. */
export function parseRegistryReference(ref: string): RegistryReference | undefined {
  if (!ref || ref.length > MAX_REFERENCE) return undefined;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    if (!DIGEST.test(digest)) return undefined;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) return undefined;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let domain: string | undefined;
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!DOMAIN.test(first)) return undefined;
    domain = parts.shift();
  }
  if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) return undefined;
  const explicit = domain !== undefined || tag !== undefined || digest !== undefined;
  if (!domain) {
    domain = 'docker.io';
    if (parts.length === 1) parts.unshift('library');
  }
  const out: RegistryReference = { repository: `${domain}/${parts.join('/')}`, explicit };
  if (tag) out.tag = tag;
  if (digest) out.digest = digest;
  return out;
}

function fileStem(path: string): string {
  const base = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return base.replace(/\.(tar\.gz|tgz|tar|oci)$/i, '').toLowerCase();
}

function lastSegment(repository: string): string {
  return repository.slice(repository.lastIndexOf('/') + 1);
}

export function imageIdentity(image: Pick<ImageMetadata, 'reference' | 'repoTags'>): ImageIdentity {
  const reference = image.reference.slice(0, MAX_REFERENCE);
  const transport = /^(oci|oci-archive|docker-archive):(.+)$/s.exec(reference);
  let path = reference;
  let tag: string | undefined;
  let repository: string | undefined;
  if (transport) {
    const rest = transport[2]!.replace(/@sha256:[a-f0-9]{64}$/, '');
    path = rest;
    // `<path>:<selector>` where the path may hold colons too: the first split that leaves a valid selector.
    for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
      const selector = rest.slice(i + 1);
      const parsed = parseRegistryReference(selector);
      if (parsed?.explicit && (transport[1] !== 'docker-archive' || parsed.tag)) {
        repository = parsed.repository;
        tag = parsed.tag;
      } else if (transport[1] !== 'docker-archive' && TAG.test(selector)) {
        tag = selector;
      } else {
        continue;
      }
      path = rest.slice(0, i);
      break;
    }
  } else if (!/^(\/|\.{1,2}\/|~)/.test(reference) && !/\.(tar|tgz|tar\.gz)$/i.test(reference)) {
    const parsed = parseRegistryReference(reference);
    if (parsed?.explicit) {
      repository = parsed.repository;
      tag = parsed.tag;
    }
  }
  if (!repository) {
    for (const repoTag of image.repoTags ?? []) {
      const parsed = parseRegistryReference(repoTag);
      if (parsed) {
        repository = parsed.repository;
        tag ??= parsed.tag;
        break;
      }
    }
  }
  const name = repository ? lastSegment(repository) : fileStem(path) || 'image';
  const identity: ImageIdentity = { name };
  if (repository) identity.repository = repository;
  if (tag) identity.tag = tag;
  return identity;
}

/** `pkg:oci/<name>@<manifest digest>?arch=…&repository_url=…&tag=…`; undefined without a manifest digest. */
export function imagePurl(image: Pick<ImageMetadata, 'reference' | 'repoTags' | 'manifestDigest' | 'architecture'>): string | undefined {
  if (!image.manifestDigest) return undefined;
  const id = imageIdentity(image);
  const qualifiers: Record<string, string> = {};
  if (image.architecture) qualifiers.arch = image.architecture;
  if (id.repository) qualifiers.repository_url = id.repository;
  if (id.tag) qualifiers.tag = id.tag;
  try {
    return new PackageURL('oci', undefined, id.name, image.manifestDigest, qualifiers, undefined).toString();
  } catch {
    return undefined;
  }
}
