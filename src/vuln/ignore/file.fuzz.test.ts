import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { bestOf3, withinBaseline } from '../../../test/helpers/relative-time.js';
import { parseIgnoreFile } from './file.js';

const valid = 'ignore:\n  - id: CVE-2020-8203\n    purl: pkg:npm/lodash\n    path: /app/**\n    reason: not reachable\n    expires: 2027-01-01\n';

/** Parses, or checks the error is CONFIG_FILE_INVALID and returns it. */
function parseOrBulkheadError(text: string): BulkheadError | undefined {
  try {
    const file = parseIgnoreFile(text, 'fuzz.yaml');
    for (const e of file.entries) expect(e.where).toMatch(/^fuzz\.yaml:\d+$/);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(BulkheadError);
    expect((e as BulkheadError).code).toBe('CONFIG_FILE_INVALID');
    return e as BulkheadError;
  }
}

/** Benign baseline: the valid file, padded with a comment to the 400 characters the fuzz inputs reach. */
const benignMs = bestOf3(() => parseIgnoreFile(`${valid}#${'x'.repeat(400 - valid.length)}\n`, 'fuzz.yaml'));

function parsesAtBenignCost(text: string): void {
  withinBaseline(benignMs, () => parseOrBulkheadError(text));
}

describe('parseIgnoreFile fuzz', () => {
  it('either parses or throws CONFIG_FILE_INVALID for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'binary' }), parsesAtBenignCost), { numRuns: 300 });
  });

  it('survives mutations of a valid file', () => {
    const yamlChars = fc.constantFrom(':', '-', ' ', '\n', '&a', '*a', '[', ']', '{', '}', '"', "'", '#', '!!str', '|', '>', '?', '\t', 'x', '0');
    fc.assert(
      fc.property(fc.nat(valid.length), fc.nat(20), fc.array(yamlChars, { maxLength: 12 }), (at, cut, insert) => {
        parsesAtBenignCost(valid.slice(0, at) + insert.join('') + valid.slice(at + cut));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses alias bombs of random shape because of the alias limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 12 }), fc.integer({ min: 4, max: 12 }), (depth, width) => {
        const lines = ['l0: &l0 [x, x, x, x]'];
        for (let i = 1; i < depth; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
        const error = parseOrBulkheadError(`${lines.join('\n')}\nignore: []\n`);
        // Small ones may expand and then fail on their unknown keys; anything past a few hundred values
        // must be stopped by the alias limit before it is expanded.
        const expanded = 4 * width ** (depth - 1);
        expect(error).toBeDefined();
        if (expanded > 200) expect(error!.message, `${depth} levels of ${width}`).toContain('could not be expanded');
      }),
      { numRuns: 30 },
    );
  });
});
