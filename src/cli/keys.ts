/** Key files named on the command line (sign, verify, attest, server --verify-key). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BulkheadError } from '../core/errors.js';
import { loadPublicKey, type PublicKey } from '../sign/index.js';

export function readKeyFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new BulkheadError('KEY_INVALID', `cannot read the ${what} ${file}`, { where: file, hint: 'check the --key path' });
  }
}

export function loadPublicKeyFiles(files: readonly string[], cwd: string): PublicKey[] {
  return files.map((f) => loadPublicKey(readKeyFile(path.resolve(cwd, f), 'public key'), { where: f }));
}
