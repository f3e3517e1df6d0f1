/** Golden files beside the tests: compared byte for byte, rewritten only with UPDATE_GOLDEN=1. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

export function expectGolden(name: string, actual: string): void {
  const file = path.join(here, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
    return;
  }
  expect(existsSync(file), `${name} is missing: run the tests with UPDATE_GOLDEN=1 to write it`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
