/**
 * What a caller can tell the registry client: credentials, transport
 * security, timeouts and retry bounds. The CLI fills this from flags
 * (`--username`, `--password-stdin`, `--insecure-registry`, `--ca-file`) and
 * environment; the library API takes it as is.
 */
import type { RetryPolicy } from './retry.js';

export interface RegistryOptions {
  /** Explicit credentials (highest precedence). */
  username?: string;
  password?: string;
  /** Never send credentials, not even found ones (the audit's anonymous probes). */
  anonymous?: boolean;
  /**
   * `host:port` entries that may be reached over plain HTTP. Nothing else is,
   * not even localhost: a registry that only speaks HTTP must be listed.
   */
  insecureRegistries?: readonly string[];
  /** PEM file with extra CA certificates, trusted in addition to the system ones. */
  caFile?: string;
  /** Socket inactivity and response timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Retry bounds for 429/502/503/504 and network errors. */
  retry?: Partial<RetryPolicy>;
  /** Directory holding config.json (default `$DOCKER_CONFIG`, else `~/.docker`). */
  dockerConfigDir?: string;
  /** Environment to read `BULKHEAD_REGISTRY_*`, `DOCKER_CONFIG`, `HOME`, `PATH` from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Parallel layer downloads when scanning (default 3). */
  layerConcurrency?: number;
  /** Chunk size for chunked uploads; blobs larger than this go up in PATCH chunks (default 16 MiB). */
  chunkSize?: number;
  /** Debug messages (never carry secrets). */
  log?: (message: string) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CHUNK_SIZE = 16 * 1024 * 1024;
export const DEFAULT_LAYER_CONCURRENCY = 3;

/** Docker Hub is named `docker.io` but served from `registry-1.docker.io`. */
export function endpointHost(registry: string): string {
  const host = registry.toLowerCase();
  return host === 'docker.io' || host === 'index.docker.io' ? 'registry-1.docker.io' : host;
}

export function isDockerHub(registry: string): boolean {
  const host = registry.toLowerCase();
  return host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io';
}

/** Is `host` (as `host[:port]`) on the plain-HTTP allow list? Exact match; no wildcard, no localhost exemption. */
export function isInsecure(host: string, options: RegistryOptions): boolean {
  const h = host.toLowerCase();
  return (options.insecureRegistries ?? []).some((entry) => entry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '') === h);
}
