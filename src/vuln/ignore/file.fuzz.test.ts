import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { parseIgnoreFile } from './file.js';

const valid = 'ignore:\n  - id: CVE-2020-8203\n    purl: pkg:npm/lodash\n    path: /app/**\n    reason: not reachable\n    expires: 2027-01-01\n';

function parseOrBulkheadError(text: string): void {
  const started = performance.now();
  try {
    const file = parseIgnoreFile(text, 'fuzz.yaml');
    for (const e of file.entries) expect(e.where).toMatch(/^fuzz\.yaml:\d+$/);
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    expect((e as BulkheadError).code).toBe('CONFIG_FILE_INVALID');
  }
  expect(performance.now() - started).toBeLessThan(500);
}

describe('parseIgnoreFile fuzz', () => {
  it('either parses or throws CONFIG_FILE_INVALID for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'binary' }), parseOrBulkheadError), { numRuns: 300 });
  });

  it('survives mutations of a valid file', () => {
    const yamlChars = fc.constantFrom(':', '-', ' ', '\n', '&a', '*a', '[', ']', '{', '}', '"', "'", '#', '!!str', '|', '>', '?', '\t', 'x', '0');
    fc.assert(
      fc.property(fc.nat(valid.length), fc.nat(20), fc.array(yamlChars, { maxLength: 12 }), (at, cut, insert) => {
        parseOrBulkheadError(valid.slice(0, at) + insert.join('') + valid.slice(at + cut));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses alias bombs of random shape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 12 }), fc.integer({ min: 4, max: 12 }), (depth, width) => {
        const lines = ['l0: &l0 [x, x, x, x]'];
        for (let i = 1; i < depth; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
        parseOrBulkheadError(`${lines.join('\n')}\nignore: []\n`);
      }),
      { numRuns: 30 },
    );
  });
});
