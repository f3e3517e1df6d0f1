/**
 * Scans on demand for the vulnerability gate: the pipeline's scanImage with
 * a matcher over a vulnerability database opened read-only once at startup,
 * the admission registry settings, and the gate's AbortSignal so a scan
 * that outlives its budget or the request deadline stops reading layers.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_PLATFORM, type Platform } from '../../artifact/image/source.js';
import { BulkheadError, type ErrorCode } from '../../core/errors.js';
import { scanImage } from '../../pipeline/scan.js';
import type { RegistryOptions } from '../../registry/index.js';
import { dbFilePath, VulnDb } from '../../vuln/db/index.js';
import { createMatcher, type Matcher } from '../../vuln/match/index.js';
import type { OnDemandScanner } from './gates.js';

export interface OnDemandScanning {
  scanner: OnDemandScanner;
  /** Close the database. */
  close(): void;
}

export interface OpenScannerOptions {
  /** Vulnerability database folder (holding vulns.sqlite), e.g. from `bulkhead db update --db-dir`. */
  dbDir: string;
  /** Where the folder was named, for messages (`--db-dir`, `admission.yaml:12`). */
  where?: string;
  /** Error code when the database is missing (an input error: exit 2). */
  missingCode?: Extract<ErrorCode, 'USAGE' | 'POLICY_INVALID'>;
  registry?: RegistryOptions;
  platform?: Platform;
}

/**
 * Open the database and return the scanner. A missing database is an error
 * here, at startup: without it every scan would report no vulnerabilities.
 */
export function openOnDemandScanner(options: OpenScannerOptions): OnDemandScanning {
  const file = dbFilePath(options.dbDir);
  if (!existsSync(file)) {
    throw new BulkheadError(options.missingCode ?? 'USAGE', `no vulnerability database in ${options.dbDir} for scans on demand`, {
      where: options.where ?? file,
      hint: `run bulkhead db update --db-dir ${options.dbDir} (or bulkhead db import <zip|dir> --db-dir ${options.dbDir}) before starting the webhook`,
    });
  }
  const db = VulnDb.open(file);
  return { scanner: onDemandScanner(createMatcher(db), options), close: () => db.close() };
}

/** The scanner over an open matcher: vulnerabilities only (the gate judges nothing else), no layer cache, empty images allowed. */
export function onDemandScanner(matcher: Matcher, options: Pick<OpenScannerOptions, 'registry' | 'platform'> = {}): OnDemandScanner {
  return (imageRef, _budgetMs, context) =>
    scanImage(imageRef, {
      scanners: ['vuln'],
      matcher,
      cache: null,
      requirePackages: false,
      platform: options.platform ?? DEFAULT_PLATFORM,
      ...(options.registry ? { registry: options.registry } : {}),
      signal: context.signal,
    });
}
