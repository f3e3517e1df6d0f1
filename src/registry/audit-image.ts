/**
 * One image tag in the registry audit: its digest, and what is attached to
 * it, found the two ways tools attach things: cosign's tags
 * (`sha256-<hex>.sig`, `.att`, `.sbom`) and OCI referrers (API or the
 * `sha256-<hex>` fallback index), classified by artifact type.
 */
import { findingFor } from '../core/check.js';
import { isBulkheadError } from '../core/errors.js';
import type { Finding } from '../core/types.js';
import {
  ATTESTATION_ARTIFACT_TYPES,
  noAttestationCheck,
  SBOM_ARTIFACT_TYPES,
  SIGNATURE_ARTIFACT_TYPES,
  unsignedImageCheck,
} from './audit-checks.js';
import type { RegistryClient } from './client.js';
import { listReferrers, referrersTag, type OciDescriptor } from './lists.js';
import { getManifest, headManifest } from './manifests.js';

export interface TagAudit {
  tag: string;
  digest?: string;
  mediaType?: string;
  signed: boolean;
  /** Evidence: `tag sha256-….sig`, `referrer sha256:… (application/vnd.cncf.notary.signature)`. */
  signatures: string[];
  attestations: string[];
  sboms: string[];
  error?: { code: string; message: string };
}

/** Tags that hold signatures, attestations, SBOMs or referrer indexes rather than images. */
export function isSupplementTag(tag: string): boolean {
  return /^sha(?:256|512)-[a-f0-9]{64,128}(?:\.[a-z]+)?$/.test(tag);
}

/** What a referrer is, by artifact type (and cosign bundle annotations). */
export function classifyReferrer(d: OciDescriptor): 'signature' | 'attestation' | 'sbom' | undefined {
  const type = d.artifactType ?? '';
  if (SBOM_ARTIFACT_TYPES.has(type)) return 'sbom';
  if (ATTESTATION_ARTIFACT_TYPES.has(type)) return 'attestation';
  if (SIGNATURE_ARTIFACT_TYPES.has(type)) {
    // A sigstore bundle holding a DSSE attestation names its predicate type.
    return d.annotations?.['dev.sigstore.bundle.predicateType'] ? 'attestation' : 'signature';
  }
  return undefined;
}

export async function auditTag(
  client: RegistryClient,
  host: string,
  repo: string,
  tag: string,
  tagSet: ReadonlySet<string>,
  byDigest: Map<string, Promise<Omit<TagAudit, 'tag'>>>,
): Promise<TagAudit & { findings: Finding[] }> {
  const location = { path: `${host}/${repo}:${tag}` };
  let digest: string | undefined;
  let mediaType: string | undefined;
  try {
    const head = await headManifest(client, repo, tag);
    digest = head?.digest;
    mediaType = head?.mediaType;
    if (!digest) {
      const m = await getManifest(client, repo, tag);
      digest = m.digest;
      mediaType = m.mediaType;
    }
  } catch (e) {
    const error = isBulkheadError(e) ? { code: e.code, message: e.describe() } : { code: 'INTERNAL', message: String(e) };
    return { tag, signed: false, signatures: [], attestations: [], sboms: [], error, findings: [] };
  }
  const known = digest;
  let pending = byDigest.get(known);
  if (!pending) {
    pending = attachments(client, repo, known, mediaType, tagSet);
    byDigest.set(known, pending);
  }
  const found = await pending;
  const result: TagAudit = { tag, ...found };
  const findings: Finding[] = [];
  if (!result.error) {
    if (!result.signed) findings.push(findingFor(unsignedImageCheck, location, { evidence: `${known}: no cosign signature tag and no signature referrer` }));
    if (result.attestations.length === 0 && result.sboms.length === 0) {
      findings.push(findingFor(noAttestationCheck, location, { evidence: `${known}: no .att/.sbom tag and no attestation or SBOM referrer` }));
    }
  }
  return { ...result, findings };
}

async function attachments(
  client: RegistryClient,
  repo: string,
  digest: string,
  mediaType: string | undefined,
  tagSet: ReadonlySet<string>,
): Promise<Omit<TagAudit, 'tag'>> {
  const out: Omit<TagAudit, 'tag'> = { digest, signed: false, signatures: [], attestations: [], sboms: [] };
  if (mediaType) out.mediaType = mediaType;
  const base = referrersTag(digest);
  if (tagSet.has(`${base}.sig`)) out.signatures.push(`tag ${base}.sig`);
  if (tagSet.has(`${base}.att`)) out.attestations.push(`tag ${base}.att`);
  if (tagSet.has(`${base}.sbom`)) out.sboms.push(`tag ${base}.sbom`);
  try {
    // Without the API, the fallback index only exists when the tag does: skip a request per image.
    const { referrers } = await listReferrers(client, repo, digest, undefined, tagSet.has(base));
    for (const d of referrers) {
      const kind = classifyReferrer(d);
      const evidence = `referrer ${d.digest} (${d.artifactType ?? d.mediaType})`;
      if (kind === 'signature') out.signatures.push(evidence);
      else if (kind === 'attestation') out.attestations.push(evidence);
      else if (kind === 'sbom') out.sboms.push(evidence);
    }
  } catch (e) {
    out.error = isBulkheadError(e) ? { code: e.code, message: e.describe() } : { code: 'INTERNAL', message: String(e) };
  }
  out.signed = out.signatures.length > 0;
  return out;
}
