/** Test helper: load a fixture of this folder through the real loader, so line numbers are real. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { objectsOfText, type K8sObject } from '../../input/index.js';

const here = dirname(fileURLToPath(import.meta.url));

export function fixture(name: string): { objects: K8sObject[]; text: string; lineOf: (needle: string, from?: string) => number } {
  const file = join(here, name);
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  /** 1-based line of the first line containing `needle` (strictly after the first line containing `from`, when given). */
  const lineOf = (needle: string, from?: string) => {
    const start = from ? lines.findIndex((l) => l.includes(from)) : 0;
    const i = lines.findIndex((l, n) => (from ? n > start : n >= start) && l.includes(needle));
    if (i < 0 || start < 0) throw new Error(`${needle} not in ${name}`);
    return i + 1;
  };
  return { objects: [...objectsOfText(text, `testdata/${name}`)], text, lineOf };
}

export const fixturePath = (name: string): string => join(here, name);
