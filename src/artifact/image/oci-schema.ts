/**
 * zod schemas for the image metadata documents we read: OCI index and
 * manifest, Docker v2 schema 2 manifest and manifest list, the image config,
 * and docker-archive's manifest.json. Checked at the boundary; inside, trusted
 * types.
 */
import { z } from 'zod';
import { BulkheadError } from '../../core/errors.js';

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

const digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');

export const platformSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
});

export const descriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest,
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: platformSchema.optional(),
  urls: z.array(z.string()).optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

export const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema).max(10_000),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof indexSchema>;

export const manifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema).max(10_000),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof manifestSchema>;

const stringList = z.array(z.string()).nullish();

export const configSchema = z.object({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  created: z.string().optional(),
  config: z
    .object({
      User: z.string().nullish(),
      Env: stringList,
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
      Entrypoint: stringList,
      Cmd: stringList,
      WorkingDir: z.string().nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
      Volumes: z.record(z.string(), z.unknown()).nullish(),
      StopSignal: z.string().nullish(),
      Healthcheck: z
        .object({
          Test: stringList,
          Interval: z.number().nullish(),
          Timeout: z.number().nullish(),
          Retries: z.number().nullish(),
        })
        .nullish(),
    })
    .nullish(),
  rootfs: z.object({
    type: z.string(),
    diff_ids: z.array(digest).max(10_000),
  }),
  history: z
    .array(
      z.object({
        created: z.string().nullish(),
        created_by: z.string().nullish(),
        comment: z.string().nullish(),
        empty_layer: z.boolean().nullish(),
      }),
    )
    .max(100_000)
    .nullish(),
});
export type ImageConfig = z.infer<typeof configSchema>;

export const dockerArchiveManifestSchema = z
  .array(
    z.object({
      Config: z.string(),
      RepoTags: z.array(z.string()).nullish(),
      Layers: z.array(z.string()).max(10_000),
      LayerSources: z.record(z.string(), descriptorSchema).nullish(),
    }),
  )
  .min(1, 'manifest.json lists no image')
  .max(10_000);
export type DockerArchiveManifest = z.infer<typeof dockerArchiveManifestSchema>;

/** Parse JSON bytes and check them against a schema; errors name the document and the JSON path. */
export function parseDocument<T>(
  schema: z.ZodType<T>,
  bytes: Buffer | string,
  what: string,
  where: string,
  code: 'MANIFEST_INVALID' | 'CONFIG_INVALID' = 'MANIFEST_INVALID',
): T {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (e) {
    throw new BulkheadError(code, `${what} is not valid JSON (${(e as Error).message})`, {
      where,
      hint: 'the image is damaged or not an image; re-export it (docker save, skopeo copy)',
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new BulkheadError(code, `${what} is malformed: ${path}: ${issue?.message ?? 'invalid'}`, {
      where,
      hint: 'the image metadata does not follow the OCI/Docker image spec',
    });
  }
  return parsed.data;
}
