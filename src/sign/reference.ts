/**
 * Image references as the signature code needs them: split
 * `host[:port]/repo[:tag][@sha256:…]`, compare repositories, and resolve a
 * tag or digest to the manifest that gets signed.
 */
import { BulkheadError } from '../core/errors.js';
import { isSha256Digest } from './encoding.js';
import type { ArtifactStore } from './store.js';

export interface ImageReference {
  /** `host[:port]/path` — what cosign writes as docker-reference. */
  repository: string;
  tag?: string;
  digest?: string;
}

const REFERENCE = /^([a-zA-Z0-9][a-zA-Z0-9.-]*(?::[0-9]{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+|[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** Parse a reference; undefined when it is not one. A bare name stays as written (no docker.io defaulting here). */
export function parseImageReference(ref: string): ImageReference | undefined {
  if (ref.length > 1024) return undefined;
  const m = REFERENCE.exec(ref);
  if (!m) return undefined;
  const out: ImageReference = { repository: m[1]! };
  if (m[2]) out.tag = m[2];
  if (m[3]) out.digest = m[3];
  return out;
}

/** The repository part of a docker-reference (tag and digest removed). */
export function repositoryOf(ref: string): string {
  const parsed = parseImageReference(ref);
  if (parsed) return parsed.repository;
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export interface ResolvedImage {
  digest: string;
  mediaType: string;
  size: number;
}

/** Resolve a tag or digest in the store to the manifest digest that is signed (an index stays an index). */
export async function resolveImage(store: ArtifactStore, reference: string): Promise<ResolvedImage> {
  const m = await store.getManifest(reference);
  if (!m) {
    throw new BulkheadError('TARGET_NOT_FOUND', `no manifest ${reference} in ${store.repository}`, {
      where: `${store.repository}${isSha256Digest(reference) ? '@' : ':'}${reference}`,
      hint: 'check the tag or digest (bulkhead sign/verify resolves tags to the digest that is signed)',
    });
  }
  return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
}

export interface IdentityRequirement {
  /** `matchRepository`: the signed docker-reference names this repository (tag ignored); `matchExact`: equals it exactly. */
  mode: 'matchRepository' | 'matchExact';
  reference: string;
}

/**
 * containers/image `matchExact`: both references must name a tag or digest
 * and be equal; a bare repository (what cosign signs) never matches exactly.
 */
function exactReferenceMatch(signed: string, expected: string): boolean {
  const a = parseImageReference(signed);
  const b = parseImageReference(expected);
  if (!a || !b || (!a.tag && !a.digest) || (!b.tag && !b.digest)) return false;
  return a.repository === b.repository && a.tag === b.tag && a.digest === b.digest;
}

/** Does a signed docker-reference satisfy the identity requirement? */
export function identityMatches(signed: string, requirement: IdentityRequirement): boolean {
  return requirement.mode === 'matchExact' ? exactReferenceMatch(signed, requirement.reference) : repositoryOf(signed) === repositoryOf(requirement.reference);
}
