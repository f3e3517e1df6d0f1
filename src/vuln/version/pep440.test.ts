import { compare as libraryCompare } from '@renovatebot/pep440';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePep440, pep440 } from './pep440.js';

// PEP 440, "Summary of permitted suffixes and relative ordering": this list is
// in ascending order.
const pepOrder = [
  '1.dev0',
  '1.0.dev456',
  '1.0a1',
  '1.0a2.dev456',
  '1.0a12.dev456',
  '1.0a12',
  '1.0b1.dev456',
  '1.0b2',
  '1.0b2.post345.dev456',
  '1.0b2.post345',
  '1.0rc1.dev456',
  '1.0rc1',
  '1.0',
  '1.0+abc.5',
  '1.0+abc.7',
  '1.0+5',
  '1.0.post456.dev34',
  '1.0.post456',
  '1.0.15',
  '1.1.dev1',
];

// PEP 440, "Normalization": each spelling equals its normal form.
const pepNormalization: Array<[string, string]> = [
  ['1.0ALPHA1', '1.0a1'], // case sensitivity
  ['1.1RC1', '1.1rc1'],
  ['00', '0'], // integer normalization
  ['09000', '9000'],
  ['1.0.02', '1.0.2'],
  ['1.1.a1', '1.1a1'], // pre-release separators
  ['1.1-a1', '1.1a1'],
  ['1.0a.1', '1.0a1'],
  ['1.1alpha1', '1.1a1'], // pre-release spelling
  ['1.1beta2', '1.1b2'],
  ['1.1c3', '1.1rc3'],
  ['1.2a', '1.2a0'], // implicit pre-release number
  ['1.2-post2', '1.2.post2'], // post release separators
  ['1.2post2', '1.2.post2'],
  ['1.2.post-2', '1.2.post2'],
  ['1.0-r4', '1.0.post4'], // post release spelling
  ['1.0-rev4', '1.0.post4'],
  ['1.2.post', '1.2.post0'], // implicit post release number
  ['1.0-1', '1.0.post1'], // implicit post releases
  ['1.2-dev2', '1.2.dev2'], // development release separators
  ['1.2dev2', '1.2.dev2'],
  ['1.2.dev', '1.2.dev0'], // implicit development release number
  ['1.0+ubuntu-1', '1.0+ubuntu.1'], // local version segments
  ['v1.0', '1.0'], // preceding v character
  ['  1.0\n', '1.0'], // leading and trailing whitespace
  ['1.0.0', '1'], // zero padding of the release segment
  ['1!1.0', '1!1.0.0'],
];

describe('pep440', () => {
  it('sorts PEP 440 example list in order', () => {
    for (let i = 0; i < pepOrder.length; i++) {
      for (let j = 0; j < pepOrder.length; j++) {
        expect(pep440.compare(pepOrder[i]!, pepOrder[j]!)).toBe(Math.sign(i - j) || 0);
      }
    }
  });

  it.each(pepNormalization)('%j equals %j', (a, b) => {
    expect(pep440.compare(a, b)).toBe(0);
  });

  it.each<[string, string, -1 | 1]>([
    ['1.0', '1!0.1', -1], // any epoch beats a higher release of a lower one
    ['1.0+ubuntu.1', '1.0+1', -1], // local: alphanumeric before numeric
    ['1.0+abc', '1.0+abd', -1],
    ['1.0+abc', '1.0+abc.1', -1],
    ['1.0+1e5', '1.0+2', -1], // `1e5` is a string segment, not 100000
    ['2.31.0', '2.3.1', 1],
    ['2023.10.1', '2023.9.30', 1],
    ['1.0.99999999999999999999', '1.0.99999999999999999998', 1], // no precision loss
    ['1.0.post1', '1.0.post1.dev9', 1],
    ['1.0rc1.post1', '1.0', -1],
  ])('compare(%j, %j) = %i', (a, b, want) => {
    expect(pep440.compare(a, b)).toBe(want);
    expect(pep440.compare(b, a)).toBe(-want);
  });

  it('exposes the parsed parts', () => {
    expect(parsePep440('1!2.3.0rc1.post4.dev5+Local.7')).toEqual({
      epoch: '1',
      release: ['2', '3'],
      pre: { rank: 2, n: '1' },
      post: '4',
      dev: '5',
      local: ['local', '7'],
    });
  });

  it.each([[''], ['abc'], ['1.0.'], ['1..0'], ['1.0+'], ['1.0+a..b'], ['1.0 0'], ['1.0.*'], ['1.0a1b2'], ['==1.0'], ['1.0-'], ['1'.repeat(257)]])(
    'rejects %j',
    (v) => {
      expect(pep440.isValid(v)).toBe(false);
    },
  );

  it('agrees with @renovatebot/pep440 on versions without long numbers', () => {
    const n = fc.integer({ min: 0, max: 30 }).map(String);
    const version = fc
      .record({
        epoch: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        release: fc.array(n, { minLength: 1, maxLength: 4 }),
        pre: fc.option(fc.tuple(fc.constantFrom('a', 'b', 'rc', 'alpha', 'c'), n), { nil: undefined }),
        post: fc.option(n, { nil: undefined }),
        dev: fc.option(n, { nil: undefined }),
        local: fc.option(fc.array(fc.constantFrom('abc', 'x', '1', '22', 'ubuntu'), { minLength: 1, maxLength: 3 }), {
          nil: undefined,
        }),
      })
      .map(
        (p) =>
          `${p.epoch !== undefined ? `${p.epoch}!` : ''}${p.release.join('.')}` +
          `${p.pre ? p.pre.join('') : ''}${p.post !== undefined ? `.post${p.post}` : ''}` +
          `${p.dev !== undefined ? `.dev${p.dev}` : ''}${p.local ? `+${p.local.join('.')}` : ''}`,
      );
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(pep440.compare(a, b)).toBe(Math.sign(libraryCompare(a, b)) || 0);
      }),
      { numRuns: 2000 },
    );
  });
});
