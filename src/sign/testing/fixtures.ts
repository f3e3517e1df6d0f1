/** Paths into the shared sigstore fixtures (read-only; see their README for provenance). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGSTORE_FIXTURES = process.env.BULKHEAD_SIGSTORE_FIXTURES ?? '/work/shared/fixtures/sigstore';

export function fixturePath(...parts: string[]): string {
  return join(SIGSTORE_FIXTURES, ...parts);
}

export function fixtureBytes(...parts: string[]): Buffer {
  return readFileSync(fixturePath(...parts));
}

export function fixtureText(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}

export function fixtureJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(fixtureText(...parts)) as T;
}
