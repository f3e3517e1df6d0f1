/**
 * Image references as FROM and `COPY --from` write them, normalised the way
 * Docker resolves them (`node` → `docker.io/library/node`), plus the table of
 * heavy base images that have a slimmer sibling.
 */

export interface ImageRef {
  /** As written (after variable substitution). */
  raw: string;
  /** Registry host (`docker.io` for Docker Hub). */
  registry: string;
  /** Repository path inside the registry (`library/node`). */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Parses a reference; null when it is not a valid image reference. */
export function parseImageRef(raw: string): ImageRef | null {
  if (!raw || raw.length > 512 || /\s/.test(raw)) return null;
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return null;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return null;
  }
  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first.toLowerCase();
      rest = rest.slice(slash + 1);
    }
  }
  if (DOCKER_HUB_ALIASES.has(registry)) registry = 'docker.io';
  if (!REPOSITORY.test(rest)) return null;
  const repository = registry === 'docker.io' && !rest.includes('/') ? `library/${rest}` : rest;
  const ref: ImageRef = { raw, registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `registry/repository`, e.g. `docker.io/library/node`. */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Short name for messages: `node` for official Hub images, else the full name. */
export function displayName(ref: ImageRef): string {
  if (ref.registry === 'docker.io') return ref.repository.startsWith('library/') ? ref.repository.slice(8) : ref.repository;
  return imageName(ref);
}

/**
 * True when the image comes from one of `allowed`: a registry host
 * (`registry.example.com`, `docker.io`) or a registry plus path prefix
 * (`gcr.io/distroless`, `docker.io/library`).
 */
export function isAllowedRegistry(ref: ImageRef, allowed: readonly string[]): boolean {
  const name = imageName(ref);
  return allowed.some((entry) => {
    let e = entry.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '').toLowerCase();
    if (!e) return false;
    const firstSlash = e.indexOf('/');
    const host = firstSlash < 0 ? e : e.slice(0, firstSlash);
    if (DOCKER_HUB_ALIASES.has(host)) e = 'docker.io' + (firstSlash < 0 ? '' : e.slice(firstSlash));
    return name === e || name.startsWith(`${e}/`);
  });
}

/** Known to default to a non-root user (distroless `nonroot` variants). */
export function defaultsToNonRoot(ref: ImageRef): boolean {
  return ref.registry === 'gcr.io' && ref.repository.startsWith('distroless/') && /(^|-)nonroot$/.test(ref.tag ?? '');
}

const SLIM_TAG = /(^|[-.])(slim|alpine|distroless|minimal|micro|jre|chiseled|windowsservercore|nanoserver)([-.]|$)/;

/** A slimmer alternative for a heavy final base image, or null. */
export function slimAlternative(ref: ImageRef): string | null {
  const tag = ref.tag ?? 'latest';
  const name = imageName(ref);
  const hub = ref.registry === 'docker.io' && ref.repository.startsWith('library/') ? ref.repository.slice(8) : null;
  if (SLIM_TAG.test(tag)) return null;
  const version = /^\d+(\.\d+)*/.exec(tag)?.[0];
  const major = version?.split('.')[0];
  switch (hub) {
    case 'node':
      return `node:${withSlim(tag)}${major ? ` or gcr.io/distroless/nodejs${major}-debian12` : ''}`;
    case 'python':
    case 'ruby':
      return `${hub}:${withSlim(tag)}`;
    case 'debian':
      return `debian:${withSlim(tag)}`;
    case 'buildpack-deps':
      return 'debian:bookworm-slim (buildpack-deps carries compilers and headers)';
    case 'golang':
      return 'gcr.io/distroless/static-debian12 (or scratch) with the binary copied from a build stage';
    case 'rust':
      return 'gcr.io/distroless/cc-debian12 with the binary copied from a build stage';
    case 'maven':
    case 'gradle':
      return 'eclipse-temurin:<version>-jre with the built application copied from a build stage';
    case 'openjdk':
      return `eclipse-temurin:${major ?? '<version>'}-jre`;
    case 'eclipse-temurin':
      return `eclipse-temurin:${tag.includes('jdk') ? tag.replace('jdk', 'jre') : `${major ?? tag}-jre`}`;
    default:
      break;
  }
  if (name === 'mcr.microsoft.com/dotnet/sdk') return `mcr.microsoft.com/dotnet/aspnet:${tag} or mcr.microsoft.com/dotnet/runtime:${tag}`;
  const ubi = /^registry\.access\.redhat\.com\/(ubi\d+)(?:\/ubi)?$/.exec(name);
  if (ubi) return `registry.access.redhat.com/${ubi[1]}/ubi-minimal or ${ubi[1]}/ubi-micro`;
  return null;
}

function withSlim(tag: string): string {
  if (tag === 'latest') return 'slim';
  return `${tag}-slim`;
}
