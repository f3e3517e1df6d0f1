import { describe, expect, it } from 'vitest';
import { normalizeComposerVersion, packagist, phpVersionCompare } from './packagist.js';

// Vectors from composer/semver's tests (tests/VersionParserTest.php,
// successfulNormalizedVersions and failingNormalizedVersions), where they
// agree with the current VersionParser (branch names stay `dev-<name>`).
const composerNormalized: Array<[string, string]> = [
  ['1.0.0', '1.0.0.0'],
  ['1.2.3.4', '1.2.3.4'],
  ['1.0.0RC1dev', '1.0.0.0-RC1-dev'],
  ['1.0.0-rC15-dev', '1.0.0.0-RC15-dev'],
  ['1.0.0.RC.15-dev', '1.0.0.0-RC15-dev'],
  ['1.0.0-rc1', '1.0.0.0-RC1'],
  ['1.0.0.pl3-dev', '1.0.0.0-patch3-dev'],
  ['1.0-dev', '1.0.0.0-dev'],
  ['0', '0.0.0.0'],
  ['10.4.13-beta', '10.4.13.0-beta'],
  ['10.4.13beta2', '10.4.13.0-beta2'],
  ['10.4.13beta.2', '10.4.13.0-beta2'],
  ['10.4.13-b', '10.4.13.0-beta'],
  ['10.4.13-b5', '10.4.13.0-beta5'],
  ['v1.0.0', '1.0.0.0'],
  ['2010.01', '2010.01.0.0'],
  ['2010.01.02', '2010.01.02.0'],
  ['2010.1.555', '2010.1.555.0'],
  ['2010.10.200', '2010.10.200.0'],
  ['v20100102', '20100102'],
  ['2010-01-02', '2010.01.02'],
  ['2010-01-02.5', '2010.01.02.5'],
  ['20100102-203040', '20100102.203040'],
  ['20150920.0.0', '20150920.0.0'],
  ['20100102203040-10', '20100102203040.10'],
  ['20100102-203040-p1', '20100102.203040-patch1'],
  ['1.x-dev', '1.9999999.9999999.9999999-dev'],
  ['dev-feature-foo', 'dev-feature-foo'],
  ['DEV-FOOBAR', 'dev-FOOBAR'],
  ['dev-feature/foo', 'dev-feature/foo'],
  ['dev-feature+issue-1', 'dev-feature+issue-1'],
  ['1.0.0-beta.5+foo', '1.0.0.0-beta5'],
  ['1.0.0+foo', '1.0.0.0'],
  ['1.0.0-alpha.3.1+foo', '1.0.0.0-alpha3.1'],
  ['1.0.0-alpha2.1+foo', '1.0.0.0-alpha2.1'],
  ['1.0.0-alpha-2.1-3+foo', '1.0.0.0-alpha2.1-3'],
  ['1.0.0+foo as 2.0', '1.0.0.0'],
  // composer/semver tests for the constraint parser, on its versions
  ['1.2.3b5', '1.2.3.0-beta5'],
  ['1.2.3a1', '1.2.3.0-alpha1'],
  ['1.2.3p1234', '1.2.3.0-patch1234'],
  ['1.2.3pl1234', '1.2.3.0-patch1234'],
  ['1.2.3.4-stable', '1.2.3.4'],
  ['1.0@dev', '1.0.0.0'],
];
const composerRejected = ['', 'a', '1.0.0-meh', '1.0.0.0.0', 'feature-foo', '1.0.0+foo bar'];

// Vectors from PHP's test suite (php-src, ext/standard/tests/versioning/version_compare.phpt).
const phpForms = ['1.0-dev', '1.0a1', '1.0b1', '1.0RC1', '1.0rc1', '1.0', '1.0pl1'];
const phpRank = [0, 1, 2, 3, 3, 4, 5];

describe('packagist', () => {
  it.each(composerNormalized)('normalizes %j to %j', (input, normalized) => {
    expect(normalizeComposerVersion(input)).toBe(normalized);
  });

  it.each(composerRejected.map((v) => [v]))('Composer rejects %j', (v) => {
    expect(normalizeComposerVersion(v)).toBeNull();
    expect(packagist.isValid(v)).toBe(false);
  });

  it('trims what PHP trim() trims, and only that', () => {
    expect(normalizeComposerVersion('\t 1.0.0\v\0\n')).toBe('1.0.0.0');
    expect(normalizeComposerVersion('1.0.0\u00a0')).toBeNull();
  });

  it('has no order for named branches', () => {
    expect(packagist.isValid('dev-main')).toBe(false);
    expect(packagist.isValid('master')).toBe(false);
    expect(packagist.isValid('1.x-dev')).toBe(true);
  });

  it('matches version_compare.phpt', () => {
    expect(phpVersionCompare('1', '2')).toBe(-1);
    expect(phpVersionCompare('10', '2')).toBe(1);
    expect(phpVersionCompare('1.0', '1.1')).toBe(-1);
    expect(phpVersionCompare('1.2', '1.0.1')).toBe(1);
    expect(phpVersionCompare('1.2(message)', '1.2(message)')).toBe(0);
    for (let i = 0; i < phpForms.length; i++) {
      for (let j = 0; j < phpForms.length; j++) {
        expect([phpForms[i], phpForms[j], phpVersionCompare(phpForms[i]!, phpForms[j]!)]).toEqual([
          phpForms[i],
          phpForms[j],
          Math.sign(phpRank[i]! - phpRank[j]!) || 0,
        ]);
      }
    }
  });

  it('orders stabilities as Composer does', () => {
    const chain = ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-alpha2', '1.0.0-beta', '1.0.0-beta1', '1.0.0-RC1', '1.0.0', '1.0.0-patch1', '1.0.1'];
    for (let i = 0; i < chain.length; i++) {
      for (let j = 0; j < chain.length; j++) {
        expect([chain[i], chain[j], packagist.compare(chain[i]!, chain[j]!)]).toEqual([
          chain[i],
          chain[j],
          Math.sign(i - j) || 0,
        ]);
      }
    }
  });

  it.each<[string, string, -1 | 0 | 1]>([
    ['v1.2.3', '1.2.3.0', 0],
    ['1.0.0-alpha', '1.0.0-a', 0],
    ['1.0.0-b2', '1.0.0-beta2', 0],
    ['1.0.0-rc1', '1.0.0-RC1', 0],
    ['1.0.0-pl1', '1.0.0-patch1', 0],
    ['1.0.0-beta2-dev', '1.0.0-beta2', -1],
    ['1.0.0-beta2-dev', '1.0.0-beta1', 1],
    ['1.x-dev', '1.99999.0', 1],
    ['2010-01-02', '2010.01.01', 1],
    // real Packagist versions (Drupal and GHSA records)
    ['11.3.14', '11.4.0', -1],
    ['10.2.0', '9.5.11', 1],
    ['1.35.0', '1.5.0', 1],
    ['4.4.0-RC2', '4.4.0', -1],
  ])('compare(%j, %j) = %i', (a, b, want) => {
    expect(packagist.compare(a, b)).toBe(want);
    expect(packagist.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });
});
