/** Runs one scan job: the scan row's conditional transitions make it idempotent. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BulkheadError } from '../../core/errors.js';
import type { ScanResult } from '../../core/types.js';
import { scanImage, type ScanOptions } from '../../pipeline/scan.js';
import { scanKubernetes } from '../../pipeline/scan-k8s.js';
import { scanSbom } from '../../pipeline/scan-sbom.js';
import { repositoryStore, type RegistryOptions } from '../../registry/index.js';
import { resolveImage, signatureStatus, type PublicKey, type SignatureStatus } from '../../sign/index.js';
import type { Store } from '../store/index.js';
import { imageDigestOf } from '../store/scans.js';
import { registryTarget } from '../targets.js';
import type { VulnSource } from './vulndb.js';

export interface ExecuteContext {
  store: Store;
  vuln: VulnSource;
  worker: string;
  /** Called with how the job ended (metrics). */
  onFinished?: (outcome: 'done' | 'failed' | 'duplicate', ms: number) => void;
  /** Insecure hosts, CA file, default credentials for registry images; a watched registry's stored credentials take precedence for its host. */
  registry?: RegistryOptions;
  /** Keys image signatures are verified against after each registry scan; none: signatures are only counted. */
  verifyKeys?: readonly PublicKey[];
  log?: (msg: string, data?: Record<string, unknown>) => void;
  /** Test hook: runs after the scan is claimed, before it is scanned. */
  beforeScan?: (scanId: string) => Promise<void>;
}

export type JobOutcome = 'done' | 'failed' | 'duplicate' | 'missing';

/**
 * Scans and stores. Returns 'duplicate' when the scan was already finished
 * (a retried delivery): nothing is written twice.
 */
export async function executeScan(ctx: ExecuteContext, scanId: string): Promise<JobOutcome> {
  const t0 = Date.now();
  const scan = await ctx.store.scans.getScan(scanId);
  if (!scan) return 'missing';
  if (!(await ctx.store.scans.startScan(scanId, ctx.worker))) {
    ctx.onFinished?.('duplicate', Date.now() - t0);
    return 'duplicate';
  }
  await ctx.beforeScan?.(scanId);
  try {
    const options: ScanOptions = { cache: null };
    const matcher = ctx.vuln.matcher();
    if (matcher) options.matcher = matcher;
    const remote = scan.kind === 'image' ? registryTarget(scan.target) : undefined;
    if (remote) options.registry = await registryOptionsFor(ctx, remote.repository);
    const result = await runTarget(ctx, scan.kind, scan.target, scanId, options);
    const digest = imageDigestOf(result);
    if (remote && digest && options.registry) {
      // Recorded before the scan is marked done, so a client that sees "done" sees the status too.
      // A failed signature check (registry down) leaves the previous status: it is not "unsigned".
      await checkSignature(ctx, remote.repository, remote.digest ?? remote.tag ?? 'latest', digest, options.registry)
        .then((status) => ctx.store.scans.setSignature(digest, status))
        .catch((err) => ctx.log?.('signature check failed', { scanId, target: scan.target, error: err instanceof BulkheadError ? err.describe() : (err as Error).message }));
    }
    const ok = await ctx.store.scans.completeScan(scanId, result);
    ctx.onFinished?.(ok ? 'done' : 'duplicate', Date.now() - t0);
    return ok ? 'done' : 'duplicate';
  } catch (err) {
    const message = err instanceof BulkheadError ? err.describe() : (err as Error).message;
    const ok = await ctx.store.scans.failScan(scanId, message);
    ctx.onFinished?.(ok ? 'failed' : 'duplicate', Date.now() - t0);
    return ok ? 'failed' : 'duplicate';
  }
}

/** The server's registry options, with the stored credentials of a watched registry on the same host. */
async function registryOptionsFor(ctx: ExecuteContext, repository: string): Promise<RegistryOptions> {
  const host = repository.split('/')[0]!;
  const watched = (await ctx.store.admin.listRegistries()).find((r) => r.host === host);
  const creds = watched ? await ctx.store.admin.registryCredentials(watched.id) : null;
  return { ...ctx.registry, ...(creds ? { username: creds.username, password: creds.password } : {}) };
}

/**
 * Signatures are looked up for the digest the reference names (an index for
 * multi-platform images, as cosign signs it) and, when that differs, for the
 * platform manifest that was scanned; the better of the two is kept.
 */
async function checkSignature(ctx: ExecuteContext, repository: string, reference: string, scanned: string, registry: RegistryOptions): Promise<SignatureStatus> {
  const store = repositoryStore(repository, registry);
  const top = (await resolveImage(store, reference)).digest;
  const keys = ctx.verifyKeys ?? [];
  // The state is kept per digest while signatures live per repository: the reason names where it was checked.
  const where = (s: SignatureStatus): SignatureStatus => ({ ...s, reason: `in ${repository}: ${s.reason}` });
  const first = await signatureStatus(store, top, keys);
  if (top === scanned || first.state === 'verified') return where(first);
  const second = await signatureStatus(store, scanned, keys);
  const rank = { verified: 3, invalid: 2, unverified: 1, unsigned: 0 } as const;
  return where(rank[second.state] > rank[first.state] ? second : first);
}

async function runTarget(ctx: ExecuteContext, kind: string, target: string, scanId: string, options: ScanOptions): Promise<ScanResult> {
  if (kind === 'image') return scanImage(target, options);
  const content = await ctx.store.scans.scanContent(scanId);
  if (content === null) {
    throw new BulkheadError('USAGE', `scan ${scanId} of kind ${kind} has no content`, { where: `scan ${scanId}`, hint: 'submit SBOMs and manifests with "content"' });
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'bulkhead-job-'));
  try {
    if (kind === 'sbom') {
      const file = path.join(dir, 'sbom.json');
      await writeFile(file, content);
      const r = await scanSbom(file, options);
      r.target.name = target;
      return r;
    }
    if (kind === 'kubernetes') {
      const file = path.join(dir, 'manifests.yaml');
      await writeFile(file, content);
      const r = await scanKubernetes([file], options);
      r.target.name = target;
      return r;
    }
    throw new BulkheadError('TARGET_UNSUPPORTED', `unknown scan kind ${kind}`, { where: `scan ${scanId}`, hint: 'use image, sbom or kubernetes' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
