/**
 * Registry audit: how the registry is exposed (TLS or plain HTTP, anonymous
 * pull, push and catalog) and, per repository and tag, whether images are
 * signed and carry SBOMs or attestations. Structured data plus findings;
 * the CLI renders it. Probes are read-only, except the anonymous push probe,
 * which opens an upload session and cancels it at once.
 */
import { BulkheadError, isBulkheadError } from '../core/errors.js';
import type { Finding } from '../core/types.js';
import { findingFor } from '../core/check.js';
import {
  anonymousPullCheck,
  anonymousPushCheck,
  catalogExposedCheck,
  plainHttpCheck,
} from './audit-checks.js';
import { auditTag, isSupplementTag, type TagAudit } from './audit-image.js';
import { RegistryClient } from './client.js';
import { resolveCredentials } from './credentials.js';
import { listCatalog, listTags } from './lists.js';
import { getManifest } from './manifests.js';
import { isDockerHub, isInsecure, type RegistryOptions } from './options.js';
import { cancelUpload, startUpload } from './uploads.js';

export type { TagAudit } from './audit-image.js';

export type Probe = 'allowed' | 'denied' | 'unknown';

export interface RegistryAuditOptions extends RegistryOptions {
  /** Repositories to audit at most (default 50). */
  maxRepos?: number;
  /** Image tags per repository at most (default 20; signature/attestation tags are not counted). */
  maxTagsPerRepo?: number;
  /** Repositories audited in parallel (default 4). */
  concurrency?: number;
  /** Audit these repositories (when the catalog is closed, or to focus). */
  repositories?: readonly string[];
  /** The registry is meant to be public: anonymous pull is not a finding. */
  publicRegistry?: boolean;
}

export interface RepositoryAudit {
  name: string;
  tags: TagAudit[];
  /** More image tags exist than were audited. */
  tagsTruncated: boolean;
  error?: { code: string; message: string };
}

export interface RegistryAuditReport {
  registry: string;
  /** The base URL the audit talked to. */
  endpoint: string;
  auditedAt: string;
  transport: { tls: boolean; plainHttp: boolean; tlsError?: string };
  access: {
    /** Credentials were found and used for the per-repository part. */
    authenticated: boolean;
    anonymousPull: Probe;
    anonymousPush: Probe;
    anonymousCatalog: Probe;
  };
  repositories: RepositoryAudit[];
  /** More repositories exist than were audited. */
  repositoriesTruncated: boolean;
  findings: Finding[];
  /** What could not be checked, and why. */
  notes: string[];
}

const PUBLIC_REGISTRIES = new Set([
  'docker.io', 'registry-1.docker.io', 'index.docker.io', 'ghcr.io', 'quay.io', 'gcr.io', 'mirror.gcr.io', 'registry.k8s.io',
  'k8s.gcr.io', 'public.ecr.aws', 'mcr.microsoft.com', 'registry.access.redhat.com', 'cgr.dev', 'docker.elastic.co', 'nvcr.io',
]);

/** Does the host look like a registry meant for the public? */
export function looksPublic(host: string): boolean {
  const h = host.toLowerCase().replace(/:443$/, '');
  return isDockerHub(h) || PUBLIC_REGISTRIES.has(h);
}

function describe(e: unknown): { code: string; message: string } {
  return isBulkheadError(e) ? { code: e.code, message: e.describe() } : { code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
}

const denied = (e: unknown) => isBulkheadError(e) && (e.code === 'REGISTRY_AUTH' || e.code === 'REGISTRY_FORBIDDEN');

/** Bounded parallel map, results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

async function probeTransport(host: string, options: RegistryOptions): Promise<RegistryAuditReport['transport']> {
  const out: RegistryAuditReport['transport'] = { tls: false, plainHttp: false };
  const tlsClient = new RegistryClient(host, { ...options, insecureRegistries: [], anonymous: true });
  try {
    await tlsClient.ping();
    out.tls = true;
  } catch (e) {
    out.tlsError = describe(e).message;
  } finally {
    tlsClient.close();
  }
  const plainClient = new RegistryClient(host, { ...options, insecureRegistries: [host], anonymous: true, retry: { maxAttempts: 1 } });
  try {
    const ping = await plainClient.ping();
    // A TLS port answers plain HTTP with 400; a redirect to https is fine.
    out.plainHttp = (ping.status === 200 || ping.status === 401) && (ping.apiVersion !== undefined || ping.status === 200);
  } catch {
    out.plainHttp = false;
  } finally {
    plainClient.close();
  }
  return out;
}

export async function auditRegistry(host: string, options: RegistryAuditOptions = {}): Promise<RegistryAuditReport> {
  const maxRepos = Math.max(1, options.maxRepos ?? 50);
  const maxTags = Math.max(1, options.maxTagsPerRepo ?? 20);
  const notes: string[] = [];
  const findings: Finding[] = [];
  const transport = await probeTransport(host, options);
  const report: RegistryAuditReport = {
    registry: host,
    endpoint: '',
    auditedAt: new Date().toISOString(),
    transport,
    access: { authenticated: false, anonymousPull: 'unknown', anonymousPush: 'unknown', anonymousCatalog: 'unknown' },
    repositories: [],
    repositoriesTruncated: false,
    findings,
    notes,
  };
  if (transport.plainHttp) {
    findings.push(findingFor(plainHttpCheck, { path: host }, { evidence: `GET http://${host}/v2/ answered as a registry` }));
  }
  const listed = isInsecure(host, options);
  if (!transport.tls && !(transport.plainHttp && listed)) {
    if (transport.plainHttp) {
      notes.push(`the registry speaks only plain HTTP; pass --insecure-registry ${host} to audit its contents`);
      return report;
    }
    throw new BulkheadError('REGISTRY_UNAVAILABLE', `cannot audit ${host}: ${transport.tlsError ?? 'no answer over HTTPS or HTTP'}`, {
      where: host,
      hint: 'check the host and port; pass --ca-file for a private CA',
    });
  }
  const useOptions: RegistryOptions = transport.tls ? { ...options, insecureRegistries: (options.insecureRegistries ?? []).filter((h) => h.toLowerCase() !== host.toLowerCase()) } : options;
  const authed = new RegistryClient(host, useOptions);
  const anon = new RegistryClient(host, { ...useOptions, anonymous: true });
  report.endpoint = authed.baseUrl.toString();
  try {
    report.access.authenticated = (await resolveCredentials(host, options)) !== undefined;

    // Catalog: anonymously, then with credentials (which may see more).
    let repos: string[] | undefined;
    try {
      repos = await listCatalog(anon, { limit: maxRepos + 1 });
      report.access.anonymousCatalog = 'allowed';
      findings.push(findingFor(catalogExposedCheck, { path: host }, { evidence: `GET /v2/_catalog without credentials listed ${repos.length}${repos.length > maxRepos ? '+' : ''} repositories` }));
    } catch (e) {
      if (denied(e)) report.access.anonymousCatalog = 'denied';
      else notes.push(`anonymous catalog: ${describe(e).message}`);
    }
    if (options.repositories?.length) {
      repos = [...options.repositories];
    } else if (report.access.authenticated) {
      try {
        repos = await listCatalog(authed, { limit: maxRepos + 1 });
      } catch (e) {
        if (isBulkheadError(e) && e.code === 'REGISTRY_AUTH') throw e;
        notes.push(`catalog with credentials: ${describe(e).message}`);
      }
    }
    if (!repos) notes.push('no repository list: the catalog is closed or disabled; name repositories with --repository');
    repos ??= [];
    report.repositoriesTruncated = repos.length > maxRepos;
    repos = repos.slice(0, maxRepos);

    report.access.anonymousPull = await probeAnonymousPull(anon, repos, notes);
    report.access.anonymousPush = await probeAnonymousPush(anon, repos, notes);
    if (report.access.anonymousPull === 'allowed' && !options.publicRegistry && !looksPublic(host)) {
      findings.push(findingFor(anonymousPullCheck, { path: host }, { evidence: 'a manifest was pulled without credentials' }));
    }
    if (report.access.anonymousPush === 'allowed') {
      findings.push(findingFor(anonymousPushCheck, { path: host }, { evidence: 'POST /v2/<repo>/blobs/uploads/ without credentials opened an upload session (cancelled)' }));
    }

    report.repositories = await mapBounded(repos, options.concurrency ?? 4, async (name): Promise<RepositoryAudit> => {
      try {
        const all = await listTags(authed, name, { limit: 100_000 });
        const tagSet = new Set(all);
        const images = all.filter((t) => !isSupplementTag(t));
        const chosen = images.slice(0, maxTags);
        const byDigest = new Map<string, Promise<Omit<TagAudit, 'tag'>>>();
        const tags = await mapBounded(chosen, 4, (tag) => auditTag(authed, host, name, tag, tagSet, byDigest));
        for (const t of tags) findings.push(...t.findings);
        return { name, tags: tags.map(({ findings: _f, ...t }) => t), tagsTruncated: images.length > chosen.length };
      } catch (e) {
        if (isBulkheadError(e) && e.code === 'REGISTRY_AUTH' && report.access.authenticated) throw e;
        notes.push(`repository ${name}: ${describe(e).message}`);
        return { name, tags: [], tagsTruncated: false, error: describe(e) };
      }
    });
    return report;
  } finally {
    authed.close();
    anon.close();
  }
}

async function probeAnonymousPull(anon: RegistryClient, repos: readonly string[], notes: string[]): Promise<Probe> {
  for (const repo of repos.slice(0, 3)) {
    try {
      const tags = (await listTags(anon, repo, { limit: 1000 })).filter((t) => !isSupplementTag(t));
      if (tags.length === 0) continue;
      await getManifest(anon, repo, tags[0]!);
      return 'allowed';
    } catch (e) {
      if (denied(e)) return 'denied';
      if (isBulkheadError(e) && e.code === 'REGISTRY_NOT_FOUND') continue;
      notes.push(`anonymous pull probe on ${repo}: ${describe(e).message}`);
      return 'unknown';
    }
  }
  if (repos.length === 0) notes.push('anonymous pull not probed: no repository known');
  return 'unknown';
}

async function probeAnonymousPush(anon: RegistryClient, repos: readonly string[], notes: string[]): Promise<Probe> {
  // An existing repository, so a registry that accepts the probe gains no new name.
  const repo = repos[0] ?? 'bulkhead-audit-probe';
  try {
    const started = await startUpload(anon, repo);
    if (started.location) {
      try {
        await cancelUpload(anon, repo, started.location);
      } catch (e) {
        notes.push(`the anonymous push probe's upload session on ${repo} could not be cancelled: ${describe(e).message}`);
      }
    }
    return 'allowed';
  } catch (e) {
    if (denied(e)) return 'denied';
    notes.push(`anonymous push probe on ${repo}: ${describe(e).message}`);
    return 'unknown';
  }
}
