import { describe, expect, it } from 'vitest';
import { semver } from './semver.js';

// Vectors from npm's semver test suite (npm/node-semver,
// test/fixtures/comparisons.js: first > second; equality.js: same version).
// Pairs marked loose there are kept only where both sides parse strictly.
const greater: Array<[string, string]> = [
  ['0.0.0', '0.0.0-foo'],
  ['0.0.1', '0.0.0'],
  ['1.0.0', '0.9.9'],
  ['0.10.0', '0.9.0'],
  ['0.99.0', '0.10.0'],
  ['2.0.0', '1.2.3'],
  ['v0.0.0', '0.0.0-foo'],
  ['v0.0.1', '0.0.0'],
  ['v1.0.0', '0.9.9'],
  ['v0.10.0', '0.9.0'],
  ['v0.99.0', '0.10.0'],
  ['v2.0.0', '1.2.3'],
  ['0.0.0', 'v0.0.0-foo'],
  ['0.0.1', 'v0.0.0'],
  ['1.0.0', 'v0.9.9'],
  ['0.10.0', 'v0.9.0'],
  ['0.99.0', 'v0.10.0'],
  ['2.0.0', 'v1.2.3'],
  ['1.2.3', '1.2.3-asdf'],
  ['1.2.3', '1.2.3-4'],
  ['1.2.3', '1.2.3-4-foo'],
  ['1.2.3-5-foo', '1.2.3-5'],
  ['1.2.3-5', '1.2.3-4'],
  ['1.2.3-5-foo', '1.2.3-5-Foo'],
  ['3.0.0', '2.7.2+asdf'],
  ['1.2.3-a.10', '1.2.3-a.5'],
  ['1.2.3-a.b', '1.2.3-a.5'],
  ['1.2.3-a.b', '1.2.3-a'],
  ['1.2.3-a.b.c.10.d.5', '1.2.3-a.b.c.5.d.100'],
  ['1.2.3-r2', '1.2.3-r100'],
  ['1.2.3-r100', '1.2.3-R2'],
];

const equal: Array<[string, string]> = [
  ['1.2.3', 'v1.2.3'],
  ['1.2.3', ' v1.2.3'],
  ['1.2.3-0', 'v1.2.3-0'],
  ['1.2.3-beta', ' v1.2.3-beta'],
  ['1.2.3-beta+build', '1.2.3-beta+otherbuild'],
  ['1.2.3+build', '1.2.3+otherbuild'],
  ['  v1.2.3+build', '1.2.3+otherbuild'],
];

// equality.js pairs that need loose parsing: rejected in strict mode.
const looseOnly = ['=1.2.3', 'v 1.2.3', '= 1.2.3', ' =1.2.3', ' v 1.2.3'];

describe('semver (npm)', () => {
  it.each(greater)('%j > %j', (a, b) => {
    expect(semver.compare(a, b)).toBe(1);
    expect(semver.compare(b, a)).toBe(-1);
  });

  it.each(equal)('%j = %j', (a, b) => {
    expect(semver.compare(a, b)).toBe(0);
  });

  it.each(looseOnly.map((v) => [v]))('rejects the loose-only form %j', (v) => {
    expect(semver.isValid(v)).toBe(false);
  });

  it('orders the SemVer 2.0 specification example (section 11)', () => {
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 1; i < chain.length; i++) expect(semver.compare(chain[i - 1]!, chain[i]!)).toBe(-1);
  });

  it.each([[''], ['1.2'], ['1'], ['01.2.3'], ['1.2.3-01'], ['1.2.3.4'], ['1.2.3-'], ['latest'], ['^1.2.3'], ['9007199254740992.0.0']])(
    'rejects %j',
    (v) => {
      expect(semver.isValid(v)).toBe(false);
    },
  );
});
