import { describe, expect, it } from 'vitest';
import { gem, parseGemVersion } from './gem.js';

// Vectors from RubyGems' tests (ruby/rubygems, test/rubygems/test_gem_version.rb).
const rubygemsCompare: Array<[string, string, -1 | 0 | 1]> = [
  // test_spaceship
  ['1.0', '1.0.0', 0],
  ['1.0', '1.0.a', 1],
  ['1.8.2', '0.0.0', 1],
  ['1.8.2', '1.8.2.a', 1],
  ['1.8.2.b', '1.8.2.a', 1],
  ['1.8.2.a', '1.8.2', -1],
  ['1.8.2.a10', '1.8.2.a9', 1],
  ['0.beta.1', '0.0.beta.1', 0],
  ['0.0.beta', '0.0.beta.1', -1],
  ['0.0.beta', '0.beta.1', -1],
  ['5.a', '5.0.0.rc2', -1],
  ['5.x', '5.0.0.rc2', 1],
  ['1.9.3', '1.9.3', 0],
  ['1.9.3', '1.9.2.99', 1],
  ['1.9.3', '1.9.3.1', -1],
  // test_equals2, test_hash
  ['1.2', '1.2', 0],
  ['1.2', '1.3', -1],
  ['1.2.b1', '1.2.b.1', 0],
  ['1.2', '1.2.0', 0],
  ['1.2.pre.1', '1.2.0.pre.1.0', 0],
  // test_initialize
  ['1.0', '1.0 ', 0],
  ['1.0', ' 1.0 ', 0],
  ['1.0', '1.0\n', 0],
  ['1.0', '\n1.0\n', 0],
  // test_semver
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-alpha.1', '1.0.0-beta.2', -1],
  ['1.0.0-beta.2', '1.0.0-beta.11', -1],
  ['1.0.0-beta.11', '1.0.0-rc.1', -1],
  ['1.0.0-rc1', '1.0.0', -1],
  ['1.0.0-1', '1', -1],
  // test_hyphen_and_dot_prerelease_are_the_same_version
  ['1.0.0.beta.1', '1.0.0-beta.1', 0],
  ['1.0.0.rc.1', '1.0.0-rc.1', 0],
  ['1.2.3.beta', '1.2.3-beta', 0],
  ['1.0.0.pre.1', '1.0.0-1', 0],
  ['1.0.0.1', '1.0.0-1', 1],
  ['1.0.0.beta.1', '1.0.0.pre.beta.1', 0],
  // test_sort_key_*
  ['1.0.0', '0.0.1.20220404083012', 1],
  ['0.7.0', '0.6.63000', 1],
  ['18.0.1', '18.0.2', -1],
  ['9.8.7', '9.8.8', -1],
  // test_frozen_version; test_prerelease ("1-1", "1-a" are prereleases)
  ['1.freeze.test', '1', -1],
  ['1-1', '1', -1],
  ['1-a', '1', -1],
  ['1.A', '1', -1],
];

/** Segments as RubyGems prints canonical_segments. */
function canonical(v: string): Array<number | string> {
  return (parseGemVersion(v) ?? []).map((s) => ('num' in s ? Number(s.num || '0') : s.str));
}

describe('gem', () => {
  it.each(rubygemsCompare)('%j <=> %j = %i', (a, b, want) => {
    expect(gem.compare(a, b)).toBe(want);
    expect(gem.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('computes RubyGems canonical segments (test_canonical_segments)', () => {
    expect(canonical('1.0.0')).toEqual([1]);
    expect(canonical('1.0.0.a.1.0')).toEqual([1, 'a', 1]);
    expect(canonical('1.2.3-1')).toEqual([1, 2, 3, 'pre', 1]);
  });

  // test_initialize_invalid (the last one is CVE-2013-4287's regex-blowup string)
  it.each([
    ['junk'],
    ['1.0\n2.0'],
    ['1..2'],
    ['1.2 3.4'],
    ['2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.'],
    [''],
    ['   '],
    ['v1.0'],
    ['1.0.'],
    ['-1'],
    ['1.0+1'],
    ['1.0\u00a0'],
    ['1'.repeat(257)],
  ])('rejects %j', (v) => {
    expect(gem.isValid(v)).toBe(false);
  });

  it.each<[string, string, -1 | 0 | 1]>([
    // real RubyGems versions (GHSA records for rails gems)
    ['6.1.7.1', '6.1.7', 1],
    ['7.0.4.1', '7.0.4.1', 0],
    ['7.0.0.rc1', '7.0.0', -1],
    ['5.2.8.15', '5.2.8.1', 1],
    ['1.13.10-java', '1.13.10', -1], // a hyphenated label is a prerelease
    ['12345678901234567890.1', '12345678901234567889.9', 1],
  ])('compare(%j, %j) = %i', (a, b, want) => {
    expect(gem.compare(a, b)).toBe(want);
    expect(gem.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });
});
