/**
 * The OCI documents cosign stores: the signature/attestation image manifest,
 * its minimal config blob, and the descriptors in between. Serialized in the
 * field order go-containerregistry uses, so what we write hashes like what
 * cosign writes; parsed with zod and bounded, since registries are untrusted.
 */
import { z } from 'zod';
import type { OciDescriptor } from './store.js';

export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  cosignSigArtifact: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
  inToto: 'application/vnd.in-toto+json',
  bundleV03: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  notarySignature: 'application/vnd.cncf.notary.signature',
} as const;

export const Annotations = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  rekorBundle: 'dev.sigstore.cosign/bundle',
  timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
  predicateType: 'predicateType',
  bundleContent: 'dev.sigstore.bundle.content',
  bundlePredicateType: 'dev.sigstore.bundle.predicateType',
  created: 'org.opencontainers.image.created',
} as const;

/** Signature manifests list a layer per signature; thousands would be abuse. */
export const MAX_LAYERS = 1000;
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const descriptorSchema = z.object({
  mediaType: z.string().max(256),
  digest: z.string().max(256),
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  artifactType: z.string().max(256).optional(),
});

const manifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema).max(MAX_LAYERS),
  annotations: z.record(z.string(), z.string()).optional(),
  subject: descriptorSchema.optional(),
});

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema).max(10_000),
});

export type ImageManifest = z.infer<typeof manifestSchema>;
export type ImageIndex = z.infer<typeof indexSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseWith<T>(schema: z.ZodType<T>, bytes: Buffer, what: string): Parsed<T> {
  if (bytes.length > MAX_MANIFEST_BYTES) return { ok: false, reason: `${what} is larger than ${MAX_MANIFEST_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: `${what} is not JSON` };
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, reason: `${what}: ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: r.data };
}

export function parseImageManifest(bytes: Buffer): Parsed<ImageManifest> {
  const r = parseWith(manifestSchema, bytes, 'manifest');
  if (r.ok && r.value.mediaType !== undefined && r.value.mediaType !== MediaTypes.ociManifest && r.value.mediaType !== MediaTypes.dockerManifest) {
    return { ok: false, reason: `manifest media type ${r.value.mediaType} is not an image manifest` };
  }
  return r;
}

export function parseImageIndex(bytes: Buffer): Parsed<ImageIndex> {
  return parseWith(indexSchema, bytes, 'index');
}

/** A descriptor in go-containerregistry's field order (mediaType, size, digest, annotations, artifactType). */
export function descriptor(d: OciDescriptor): OciDescriptor {
  const out: OciDescriptor = { mediaType: d.mediaType, size: d.size, digest: d.digest };
  if (d.annotations && Object.keys(d.annotations).length > 0) out.annotations = { ...d.annotations };
  if (d.artifactType) out.artifactType = d.artifactType;
  return out;
}

/**
 * The config blob cosign writes for a signature image, byte-exact:
 * every layer digest as a diff_id and one empty history entry per layer.
 */
export function cosignConfig(layerDigests: readonly string[]): Buffer {
  const history = layerDigests.map(() => '{"created":"0001-01-01T00:00:00Z"}').join(',');
  const diffIds = layerDigests.map((d) => JSON.stringify(d)).join(',');
  return Buffer.from(`{"architecture":"","created":"0001-01-01T00:00:00Z","history":[${history}],"os":"","rootfs":{"type":"layers","diff_ids":[${diffIds}]},"config":{}}`);
}

export interface ManifestParts {
  artifactType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string>;
  subject?: OciDescriptor;
}

/** Serialize an OCI image manifest (compact JSON, go-containerregistry order). */
export function serializeManifest(parts: ManifestParts): Buffer {
  const doc: Record<string, unknown> = { schemaVersion: 2, mediaType: MediaTypes.ociManifest };
  if (parts.artifactType) doc.artifactType = parts.artifactType;
  doc.config = descriptor(parts.config);
  doc.layers = parts.layers.map(descriptor);
  if (parts.annotations && Object.keys(parts.annotations).length > 0) doc.annotations = parts.annotations;
  if (parts.subject) doc.subject = descriptor(parts.subject);
  return Buffer.from(JSON.stringify(doc));
}
