import { describe, expect, it } from 'vitest';
import { compareDebPart, deb, parseDebVersion } from './deb.js';
import { VersionError } from './errors.js';

// Vectors from the dpkg test suite (lib/dpkg/t/t-version.c, dpkg sources):
// each dpkg version object there is written here in its string form.
const dpkgParsed: Array<[string, { epoch: number; upstream: string; revision: string }]> = [
  ['0', { epoch: 0, upstream: '0', revision: '' }],
  ['0:0', { epoch: 0, upstream: '0', revision: '' }],
  ['0:0-', { epoch: 0, upstream: '0', revision: '' }],
  ['0:0-0', { epoch: 0, upstream: '0', revision: '0' }],
  ['0:0.0-0.0', { epoch: 0, upstream: '0.0', revision: '0.0' }],
  ['1:0', { epoch: 1, upstream: '0', revision: '' }],
  ['5:1', { epoch: 5, upstream: '1', revision: '' }],
  ['0:0-0-0', { epoch: 0, upstream: '0-0', revision: '0' }],
  ['0:0-0-0-0', { epoch: 0, upstream: '0-0-0', revision: '0' }],
  ['0:0:0-0', { epoch: 0, upstream: '0:0', revision: '0' }],
  ['0:0:0:0-0', { epoch: 0, upstream: '0:0:0', revision: '0' }],
  ['0:0:0-0-0', { epoch: 0, upstream: '0:0-0', revision: '0' }],
  ['0:0-0:0-0', { epoch: 0, upstream: '0-0:0', revision: '0' }],
  ['0:09azAZ.-+~:-0', { epoch: 0, upstream: '09azAZ.-+~:', revision: '0' }],
  ['0:0-azAZ09.+~', { epoch: 0, upstream: '0', revision: 'azAZ09.+~' }],
  ['  \t0:0-1', { epoch: 0, upstream: '0', revision: '1' }],
  ['0:0-1\t  ', { epoch: 0, upstream: '0', revision: '1' }],
  ['\t  0:0-1  \t', { epoch: 0, upstream: '0', revision: '1' }],
];

// dpkg test suite: strings parseversion rejects (errors and warnings).
const dpkgRejected = [
  '',
  '  ',
  '0:',
  '0:0 0-1',
  '-1:0-1',
  '999999999999999999999999:0-1',
  'a:0-0',
  'A:0-0',
  '-0',
  '0:-0',
  '0:abc3-0',
  ...[...'!#@$%&/|\\<>()[]{};,_=*^\''].map((c) => `0:0${c}-0`),
  '0:0-0:0',
  ...[...'!#@$%&/|\\<>()[]{}:;,_=*^\''].map((c) => `0:0-${c}`),
];

// [a, b, expected compare(a, b)]
const ordered: Array<[string, string, -1 | 0 | 1]> = [
  // dpkg test suite (test_version_compare, test_version_relate)
  ['0:1-1', '0:2-1', -1],
  ['0:1-1', '0:1-2', -1],
  ['0:0-0', '0:0-0', 0],
  ['0:0-00', '0:00-0', 0],
  ['1:2-3', '1:2-3', 0],
  ['0:0-0', '1:0-0', -1],
  ['1:0-0', '0:0-0', 1],
  ['0:0-a', '0:0-b', -1],
  ['0:0-b', '0:0-a', 1],
  ['0:1-1', '0:1-1', 0],
  ['0:2-1', '0:1-1', 1],
  ['1:0', '2:0', -1],
  // Debian Policy 5.6.12: ~~ < ~~a < ~ < (nothing) < a
  ['1.0~~', '1.0~~a', -1],
  ['1.0~~a', '1.0~', -1],
  ['1.0~', '1.0', -1],
  ['1.0', '1.0a', -1],
  ['1.0~rc1-1', '1.0-1', -1],
  // letters sort before non-letters, numbers numerically
  ['1.0a', '1.0+', -1],
  ['1.0+', '1.0.', -1],
  ['1.10', '1.9', 1],
  ['1.010', '1.10', 0],
  // real Debian 12 versions (the bookworm fixture image and the security tracker)
  ['2.36.1-8+deb12u1', '2.36.1-8', 1],
  ['1:2.38.1-5+deb12u3', '1:2.38.1-5+deb12u2', 1],
  ['1:2.38.1-5+deb12u3', '2.39', 1],
  ['3.0.11-1~deb12u2', '3.0.11-1', -1],
  ['3.0.11-1~deb12u2', '3.0.11-1~deb12u1', 1],
  ['1.2.13.dfsg-1', '1:1.2.13.dfsg-1', -1],
  ['9.2p1-2+deb12u3', '9.2p1-2+deb12u2', 1],
  ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12', -1],
  ['252.38-1~deb12u1', '252.39-1~deb12u1', -1],
  ['2.2.49-2', '2.2.49-2+b1', -1],
];

describe('deb', () => {
  it.each(dpkgParsed)('parses %j like dpkg', (input, expected) => {
    expect(parseDebVersion(input)).toEqual(expected);
    expect(deb.isValid(input)).toBe(true);
  });

  it.each(dpkgRejected.map((v) => [v]))('rejects %j like dpkg', (input) => {
    expect(parseDebVersion(input)).toBeNull();
    expect(deb.isValid(input)).toBe(false);
  });

  it.each(ordered)('compare(%j, %j) = %i', (a, b, want) => {
    expect(deb.compare(a, b)).toBe(want);
    expect(deb.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('treats parsed forms that dpkg calls equal as equal', () => {
    // dpkg test suite: "0", "0:0" and "0:0-" all parse to the same version.
    expect(deb.compare('0', '0:0')).toBe(0);
    expect(deb.compare('0:0-', '0')).toBe(0);
    expect(deb.compare('  \t0:0-1', '0:0-1')).toBe(0);
  });

  it('compares raw parts the way verrevcmp does (dpkg test suite objects with letter-only versions)', () => {
    expect(compareDebPart('a', 'b')).toBe(-1);
    expect(compareDebPart('b', 'a')).toBe(1);
    expect(compareDebPart('', '~')).toBe(1);
    expect(compareDebPart('00', '0')).toBe(0);
  });

  it('throws a VersionError naming scheme and version for invalid input', () => {
    const err = (() => {
      try {
        deb.compare('1.0', 'not a version');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(VersionError);
    expect((err as VersionError).code).toBe('INVALID_VERSION');
    expect((err as VersionError).scheme).toBe('deb');
    expect((err as VersionError).version).toBe('not a version');
  });

  it('bounds the epoch to what dpkg stores', () => {
    expect(deb.isValid('2147483647:1')).toBe(true);
    expect(deb.isValid('2147483648:1')).toBe(false);
  });
});
