/** A Dockerfile as the scan target: the BH-DF checks, with exact line ranges. */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BulkheadError } from '../core/errors.js';
import type { ScanResult } from '../core/types.js';
import { scanDockerfile } from '../misconfig/dockerfile/index.js';
import { draft, finish, type ScanOptions } from './scan.js';

export const MAX_DOCKERFILE_BYTES = 256 * 1024;

export interface DockerfileScanOptions extends ScanOptions {
  allowedRegistries?: string[];
}

export async function scanDockerfileTarget(file: string, options: DockerfileScanOptions = {}): Promise<ScanResult> {
  const d = draft('dockerfile', file);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new BulkheadError('TARGET_NOT_FOUND', `${file} does not exist`, { where: file, hint: 'check the path' });
  }
  if (size > MAX_DOCKERFILE_BYTES) {
    throw new BulkheadError('LIMIT_EXCEEDED', `${file} is ${size} bytes, more than a Dockerfile may have (${MAX_DOCKERFILE_BYTES})`, { where: file });
  }
  const text = await readFile(file, 'utf8');
  // The build context is the Dockerfile's folder unless told otherwise; BuildKit also reads <Dockerfile>.dockerignore.
  const hasDockerignore = existsSync(path.join(path.dirname(file), '.dockerignore')) || existsSync(`${file}.dockerignore`);
  const scan = scanDockerfile(text, file, { hasDockerignore, ...(options.allowedRegistries ? { allowedRegistries: options.allowedRegistries } : {}) });
  d.stats.bytesRead = size;
  d.stats.filesAnalyzed = 1;
  for (const w of scan.warnings) d.notices.push({ level: 'warning', message: w, where: file });
  return finish(d, { packages: [], findings: scan.findings }, { ...options, requirePackages: false });
}
