/**
 * OCI distribution client: scan images straight from a registry, store and
 * find signatures and attestations, audit a registry.
 */
export type { RegistryOptions } from './options.js';
export type { RetryPolicy } from './retry.js';
export { DEFAULT_RETRY_POLICY, nextRetry, parseRetryAfter } from './retry.js';

export { openRegistryImage, RegistryBlobStore } from './blob-store.js';
export { repositoryStore, type ArtifactStore, type OciDescriptor } from './artifact-store.js';

export { RegistryClient } from './client.js';
export { getManifest, headManifest, putManifest, deleteManifest, MANIFEST_MEDIA_TYPES, type FetchedManifest, type ManifestHead } from './manifests.js';
export { openBlob, getBlob, blobExists } from './blobs.js';
export { uploadBlob, startUpload, cancelUpload, type UploadOutcome, type UploadOptions } from './uploads.js';
export { listTags, listCatalog, listReferrers, referrersTag, type ListOptions } from './lists.js';

export { auditRegistry, looksPublic, type RegistryAuditOptions, type RegistryAuditReport, type RepositoryAudit, type TagAudit, type Probe } from './audit.js';
export { registryChecks } from './audit-checks.js';

export { resolveCredentials, hostEnvKey, type Credentials } from './credentials.js';
export { parseDockerConfig, dockerConfigPath, DOCKER_HUB_KEY } from './docker-config.js';
