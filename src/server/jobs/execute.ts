/** Runs one scan job: the scan row's conditional transitions make it idempotent. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BulkheadError } from '../../core/errors.js';
import type { ScanResult } from '../../core/types.js';
import { scanImage, type ScanOptions } from '../../pipeline/scan.js';
import { scanKubernetes } from '../../pipeline/scan-k8s.js';
import { scanSbom } from '../../pipeline/scan-sbom.js';
import type { Store } from '../store/index.js';
import type { VulnSource } from './vulndb.js';

export interface ExecuteContext {
  store: Store;
  vuln: VulnSource;
  worker: string;
  /** Called with how the job ended (metrics). */
  onFinished?: (outcome: 'done' | 'failed' | 'duplicate', ms: number) => void;
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
    const result = await runTarget(ctx, scan.kind, scan.target, scanId, options);
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
