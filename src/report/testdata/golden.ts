/** Byte-for-byte golden comparison; `UPDATE_GOLDEN=1` rewrites the stored file. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export function expectGolden(name: string, actual: string): void {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  const stored = readFileSync(file);
  // The text comparison shows a readable diff; the byte comparison catches encoding differences.
  expect(actual).toBe(stored.toString('utf8'));
  expect(Buffer.from(actual, 'utf8').equals(stored)).toBe(true);
}
