/**
 * Container image references as a pod spec writes them, and which tags move.
 *
 * `[registry[:port]/]path[:tag][@digest]`: the tag is the part after the last
 * `:` of the last path component (a registry port is not a tag), the digest
 * the part after `@`.
 */

export interface ImageRef {
  /** Everything before the tag and digest. */
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(image: string): ImageRef {
  const text = image.trim();
  const at = text.indexOf('@');
  const namePart = at >= 0 ? text.slice(0, at) : text;
  const digest = at >= 0 ? text.slice(at + 1) : undefined;
  const slash = namePart.lastIndexOf('/');
  const colon = namePart.lastIndexOf(':');
  const ref: ImageRef = { name: namePart };
  if (colon > slash) {
    ref.name = namePart.slice(0, colon);
    ref.tag = namePart.slice(colon + 1);
  }
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** A digest in the OCI form `algorithm:hex`. */
export function hasDigest(ref: ImageRef): boolean {
  return ref.digest !== undefined && /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(ref.digest);
}

/** `latest` or no tag at all (which means `latest`); an image pinned by digest is neither. */
export function isLatest(ref: ImageRef): boolean {
  if (hasDigest(ref)) return false;
  return ref.tag === undefined || ref.tag === '' || ref.tag.toLowerCase() === 'latest';
}

/**
 * A tag that by convention points at a moving target: `latest` or none; a
 * word without digits (`stable`, `edge`, `main`, `alpine`, `bookworm`); a
 * version with one or two numeric parts that floats to the newest patch
 * (`3`, `3.12`, `v1.2`, `3.12-slim`); or a `latest-…`/`…-latest` variant.
 * A full `x.y.z` version, a date or a commit sha is taken as fixed; an
 * image pinned by digest never moves, whatever its tag.
 */
export function isMutableTag(ref: ImageRef): boolean {
  if (hasDigest(ref)) return false;
  if (isLatest(ref)) return true;
  const tag = ref.tag!.toLowerCase();
  if (/^[a-z][a-z_-]*$/.test(tag)) return true;
  if (/^v?\d+(?:\.\d+)?(?:-[a-z][a-z0-9]*)*$/.test(tag)) return true;
  return tag.startsWith('latest-') || tag.endsWith('-latest');
}

/** The pull policy Kubernetes applies when none is given. */
export function defaultPullPolicy(ref: ImageRef): 'Always' | 'IfNotPresent' {
  if (hasDigest(ref)) return 'IfNotPresent';
  return isLatest(ref) ? 'Always' : 'IfNotPresent';
}
