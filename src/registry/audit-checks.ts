/**
 * The registry audit's checks (data half). Ids are stable and never reused.
 * Kind is `image` until core's CheckKind gains `registry`.
 */
import type { CheckDefinition } from '../core/check.js';

export const plainHttpCheck: CheckDefinition = {
  id: 'BH-REG-001',
  kind: 'registry',
  title: 'Registry serves its API over plain HTTP',
  severity: 'high',
  rationale:
    'Over plain HTTP anyone on the path reads credentials and tokens, and can swap manifests and layers in transit: a pull by tag gets whatever the attacker serves.',
  remediation:
    'Serve the registry over TLS only (a certificate from your internal CA or ACME) and remove it from every client\'s insecure-registries list.',
  references: ['cis-docker:2.5', 'nist-800-190:4.2.1', 'mitre-attack:T1557'],
};

export const anonymousPushCheck: CheckDefinition = {
  id: 'BH-REG-002',
  kind: 'registry',
  title: 'Registry accepts uploads without authentication',
  severity: 'critical',
  rationale:
    'Anyone who reaches the registry can push: overwrite tags that deployments pull, plant backdoored images, or fill the storage.',
  remediation:
    'Require authentication for every write (htpasswd or token auth in distribution, a proxy in front) and give push rights only to CI identities.',
  references: ['nist-800-190:4.2.3', 'mitre-attack:T1525'],
};

export const anonymousPullCheck: CheckDefinition = {
  id: 'BH-REG-003',
  kind: 'registry',
  title: 'Private-looking registry allows anonymous pulls',
  severity: 'medium',
  rationale:
    'The registry does not look like a public distribution point, yet anyone who reaches it can pull images, and with them the code, configuration and any secrets baked into layers.',
  remediation:
    'Require authentication for pulls, or if the registry is meant to be public, say so (--public) to silence this check.',
  references: ['nist-800-190:4.2.3', 'mitre-attack:T1552'],
};

export const catalogExposedCheck: CheckDefinition = {
  id: 'BH-REG-004',
  kind: 'registry',
  title: 'Registry catalog is readable without authentication',
  severity: 'low',
  rationale: 'The catalog lists every repository: an attacker learns product and team names and what to try pulling next.',
  remediation: 'Require authentication for /v2/_catalog (token auth scope registry:catalog:*), or disable the catalog endpoint at the proxy.',
  references: ['nist-800-190:4.2.3', 'mitre-attack:T1613'],
};

export const unsignedImageCheck: CheckDefinition = {
  id: 'BH-REG-005',
  kind: 'registry',
  title: 'Image in the registry is not signed',
  severity: 'medium',
  rationale:
    'Without a signature consumers cannot tell the image CI built from one pushed by someone else, and admission control cannot enforce provenance.',
  remediation: 'Sign images in CI after the push (bulkhead sign or cosign sign --key …) and verify signatures at admission.',
  references: ['nist-800-190:4.1.5', 'slsa:build-l2', 'mitre-attack:T1525'],
};

export const noAttestationCheck: CheckDefinition = {
  id: 'BH-REG-006',
  kind: 'registry',
  title: 'Image in the registry has no SBOM or attestation',
  severity: 'low',
  rationale:
    'Without an attached SBOM or in-toto attestation, consumers must rescan to learn what is inside, and have no provenance to check against policy.',
  remediation: 'Attach an SBOM attestation at build time (bulkhead image … --attest, or cosign attest --type cyclonedx).',
  references: ['nist-800-190:4.1.1', 'slsa:provenance'],
};

export const registryChecks: readonly CheckDefinition[] = [
  plainHttpCheck,
  anonymousPushCheck,
  anonymousPullCheck,
  catalogExposedCheck,
  unsignedImageCheck,
  noAttestationCheck,
];

/** Artifact types that mean "signature" in referrers. */
export const SIGNATURE_ARTIFACT_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.cncf.notary.signature',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
]);

/** Artifact types that mean "attestation" (in-toto statements, DSSE envelopes). */
export const ATTESTATION_ARTIFACT_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.in-toto+json',
  'application/vnd.dsse.envelope.v1+json',
  'application/vnd.dev.cosign.artifact.att.v1+json',
]);

/** Artifact types that mean "SBOM". */
export const SBOM_ARTIFACT_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.cyclonedx+json',
  'application/vnd.cyclonedx+xml',
  'application/spdx+json',
  'text/spdx',
  'text/spdx+json',
  'application/vnd.syft+json',
  'application/vnd.dev.cosign.artifact.sbom.v1+json',
]);
