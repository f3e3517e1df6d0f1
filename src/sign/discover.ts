/**
 * Where cosign puts signatures and attestations for a digest, all three
 * layouts: the `sha256-<hex>.sig` / `.att` tag (A), legacy-payload referrers
 * (B) and Sigstore-bundle referrers (C). Returns every candidate layer with
 * where it came from, the places searched, and what could not be read —
 * never a silent "nothing".
 */
import { isBulkheadError } from '../core/errors.js';
import { digestTag, shortDigest } from './encoding.js';
import { Annotations, MediaTypes, parseImageManifest, type ImageManifest } from './oci.js';
import { COSIGN_SIGN_PREDICATE } from './predicates.js';
import type { ArtifactStore, OciDescriptor } from './store.js';

export type LayerKind = 'simple-signing' | 'dsse' | 'bundle' | 'other';

export interface FoundLayer {
  kind: LayerKind;
  /** Human-readable origin: `tag sha256-….sig layer 0`, `referrer sha256:… layer 0`. */
  source: string;
  manifestDigest: string;
  layer: OciDescriptor;
  layout: 'tag' | 'referrer';
}

export interface Discovery {
  layers: FoundLayer[];
  /** Every place looked at, for "no signature found" messages. */
  searched: string[];
  /** Things found but unreadable (a malformed manifest): reported, never dropped. */
  problems: { source: string; reason: string }[];
  /** Things found that are not what we look for (a Notation signature, an SBOM referrer). */
  ignored: { source: string; reason: string }[];
}

export type Want = 'signatures' | 'attestations';

/** Registries may list many referrers; we read at most this many manifests. */
const MAX_REFERRERS = 256;

function layerKind(mediaType: string): Exclude<LayerKind, 'other'> | undefined {
  if (mediaType === MediaTypes.simpleSigning) return 'simple-signing';
  if (mediaType === MediaTypes.dsse) return 'dsse';
  if (mediaType === MediaTypes.bundleV03 || mediaType.startsWith('application/vnd.dev.sigstore.bundle+json')) return 'bundle';
  return undefined;
}

function bundleIsSignature(annotations: Record<string, string> | undefined): boolean {
  const predicate = annotations?.[Annotations.bundlePredicateType];
  const content = annotations?.[Annotations.bundleContent];
  return predicate === COSIGN_SIGN_PREDICATE || content === 'message-signature';
}

/** Which referrer artifact types hold what we want; undefined = must look at the manifest. */
function referrerWanted(artifactType: string | undefined, annotations: Record<string, string> | undefined, want: Want): boolean | undefined {
  if (!artifactType) return undefined;
  if (artifactType === MediaTypes.cosignSigArtifact) return want === 'signatures';
  if (artifactType === MediaTypes.inToto) return want === 'attestations';
  if (artifactType === MediaTypes.bundleV03 || artifactType.startsWith('application/vnd.dev.sigstore.bundle')) {
    if (annotations?.[Annotations.bundlePredicateType] === undefined && annotations?.[Annotations.bundleContent] === undefined) return undefined;
    return bundleIsSignature(annotations) === (want === 'signatures');
  }
  return false;
}

/**
 * Every layer of a signature (attestation) manifest is meant to be one, so
 * each is returned and checked; one of another type fails its check with a
 * reason rather than disappearing. Only bundles of the other sort are skipped.
 */
function addLayers(out: Discovery, manifest: ImageManifest, manifestDigest: string, origin: string, layout: 'tag' | 'referrer', want: Want): void {
  for (const [i, layer] of manifest.layers.entries()) {
    const kind = layerKind(layer.mediaType);
    if (kind === 'bundle' && bundleIsSignature(manifest.annotations) !== (want === 'signatures')) continue;
    out.layers.push({ kind: kind ?? 'other', source: `${origin} layer ${i}`, manifestDigest, layer, layout });
  }
}

export async function discover(store: ArtifactStore, digest: string, want: Want): Promise<Discovery> {
  const out: Discovery = { layers: [], searched: [], problems: [], ignored: [] };
  const seen = new Set<string>();
  const tag = digestTag(digest, want === 'signatures' ? '.sig' : '.att');
  out.searched.push(`tag ${store.repository}:${tag}`);
  const tagged = await store.getManifest(tag);
  if (tagged) {
    seen.add(tagged.digest);
    const parsed = parseImageManifest(tagged.bytes);
    if (parsed.ok) addLayers(out, parsed.value, tagged.digest, `tag ${tag}`, 'tag', want);
    else out.problems.push({ source: `tag ${tag}`, reason: parsed.reason });
  }
  let referrers: OciDescriptor[];
  try {
    referrers = await store.referrers(digest);
    out.searched.push(`referrers of ${shortDigest(digest)} in ${store.repository}`);
  } catch (e) {
    // A registry without the referrers API and without the fallback tag is "no referrers"; outages still propagate.
    if (!(isBulkheadError(e) && (e.code === 'REGISTRY_UNSUPPORTED' || e.code === 'REGISTRY_NOT_FOUND'))) throw e;
    out.searched.push(`referrers of ${shortDigest(digest)} in ${store.repository} (unavailable: ${e.message})`);
    referrers = [];
  }
  let read = 0;
  for (const d of referrers) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    const origin = `referrer ${shortDigest(d.digest)}`;
    const wanted = referrerWanted(d.artifactType, d.annotations, want);
    if (wanted === false) {
      if (d.artifactType === MediaTypes.notarySignature && want === 'signatures') out.ignored.push({ source: origin, reason: 'a Notation signature (not verified by bulkhead)' });
      continue;
    }
    if (++read > MAX_REFERRERS) {
      out.problems.push({ source: `referrers of ${shortDigest(digest)}`, reason: `more than ${MAX_REFERRERS} candidate referrers; the rest were not read` });
      break;
    }
    const m = await store.getManifest(d.digest);
    if (!m) {
      out.problems.push({ source: origin, reason: 'listed as a referrer but the manifest is not there' });
      continue;
    }
    const parsed = parseImageManifest(m.bytes);
    if (!parsed.ok) {
      out.problems.push({ source: origin, reason: parsed.reason });
      continue;
    }
    const manifest = parsed.value;
    if (manifest.subject?.digest !== digest) {
      out.problems.push({ source: origin, reason: `its subject is ${manifest.subject ? shortDigest(manifest.subject.digest) : 'missing'}, not ${shortDigest(digest)}` });
      continue;
    }
    const type = manifest.artifactType ?? manifest.config.mediaType;
    if (wanted === undefined && referrerWanted(type, manifest.annotations, want) === false) continue;
    addLayers(out, manifest, m.digest, origin, 'referrer', want);
  }
  return out;
}
