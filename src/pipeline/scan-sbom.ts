/** An SBOM as the scan target: its packages are the inventory. */
import { readFile, stat } from 'node:fs/promises';
import { BulkheadError } from '../core/errors.js';
import type { ScanResult } from '../core/types.js';
import { readSbom } from '../sbom/read.js';
import { detect, draft, finish, type ScanOptions } from './scan.js';

export const MAX_SBOM_BYTES = 256 * 1024 * 1024;

/** An SBOM (CycloneDX or SPDX JSON) as the target: its packages are the inventory. */
export async function scanSbom(file: string, options: ScanOptions = {}): Promise<ScanResult> {
  const d = draft('sbom', file);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new BulkheadError('TARGET_NOT_FOUND', `${file} does not exist`, { where: file, hint: 'check the path' });
  }
  if (size > MAX_SBOM_BYTES) {
    throw new BulkheadError('LIMIT_EXCEEDED', `${file} is ${size} bytes, more than the ${MAX_SBOM_BYTES} an SBOM may have`, { where: file });
  }
  const contents = readSbom(await readFile(file, 'utf8'), file);
  d.stats.bytesRead = size;
  for (const w of contents.warnings) d.notices.push({ level: 'warning', message: w, where: file });
  return detect(finish(d, { packages: contents.packages, ...(contents.os ? { os: contents.os } : {}) }, options), options);
}
