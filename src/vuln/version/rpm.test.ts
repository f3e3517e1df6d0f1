import { describe, expect, it } from 'vitest';
import { parseRpmVersion, rpm, rpmvercmp } from './rpm.js';

// Vectors from rpm's test suite (rpm-software-management/rpm,
// tests/rpmvercmp.at, RPMVERCMP(a, b, result)), including the tilde and caret
// cases of rpm >= 4.15.
const rpmvercmpVectors: Array<[string, string, -1 | 0 | 1]> = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0', '1.0', 1],
  ['2.0.1', '2.0.1', 0],
  ['2.0', '2.0.1', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1a', 0],
  ['2.0.1a', '2.0.1', 1],
  ['2.0.1', '2.0.1a', -1],
  ['5.5p1', '5.5p1', 0],
  ['5.5p1', '5.5p2', -1],
  ['5.5p2', '5.5p1', 1],
  ['5.5p10', '5.5p10', 0],
  ['5.5p1', '5.5p10', -1],
  ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1],
  ['10.1xyz', '10xyz', 1],
  ['xyz10', 'xyz10', 0],
  ['xyz10', 'xyz10.1', -1],
  ['xyz10.1', 'xyz10', 1],
  ['xyz.4', 'xyz.4', 0],
  ['xyz.4', '8', -1],
  ['8', 'xyz.4', 1],
  ['xyz.4', '2', -1],
  ['2', 'xyz.4', 1],
  ['5.5p2', '5.6p1', -1],
  ['5.6p1', '5.5p2', 1],
  ['5.6p1', '6.5p1', -1],
  ['6.5p1', '5.6p1', 1],
  ['6.0.rc1', '6.0', 1],
  ['6.0', '6.0.rc1', -1],
  ['10b2', '10a1', 1],
  ['10a2', '10b2', -1],
  ['1.0aa', '1.0aa', 0],
  ['1.0a', '1.0aa', -1],
  ['1.0aa', '1.0a', 1],
  ['10.0001', '10.0001', 0],
  ['10.0001', '10.1', 0],
  ['10.1', '10.0001', 0],
  ['10.0001', '10.0039', -1],
  ['10.0039', '10.0001', 1],
  ['4.999.9', '5.0', -1],
  ['5.0', '4.999.9', 1],
  ['20101121', '20101121', 0],
  ['20101121', '20101122', -1],
  ['20101122', '20101121', 1],
  ['2_0', '2_0', 0],
  ['2.0', '2_0', 0],
  ['2_0', '2.0', 0],
  // RhBug:178798
  ['a', 'a', 0],
  ['a+', 'a+', 0],
  ['a+', 'a_', 0],
  ['a_', 'a+', 0],
  ['+a', '+a', 0],
  ['+a', '_a', 0],
  ['_a', '+a', 0],
  ['+_', '+_', 0],
  ['_+', '+_', 0],
  ['_+', '_+', 0],
  ['+', '_', 0],
  ['_', '+', 0],
  // tilde
  ['1.0~rc1', '1.0~rc1', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc2', '1.0~rc1', 1],
  ['1.0~rc1~git123', '1.0~rc1~git123', 0],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0~rc1', '1.0~rc1~git123', 1],
  // caret
  ['1.0^', '1.0^', 0],
  ['1.0^', '1.0', 1],
  ['1.0', '1.0^', -1],
  ['1.0^git1', '1.0^git1', 0],
  ['1.0^git1', '1.0', 1],
  ['1.0', '1.0^git1', -1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git2', '1.0^git1', 1],
  ['1.0^git1', '1.01', -1],
  ['1.01', '1.0^git1', 1],
  ['1.0^20160101', '1.0^20160101', 0],
  ['1.0^20160101', '1.0.1', -1],
  ['1.0.1', '1.0^20160101', 1],
  ['1.0^20160101^git1', '1.0^20160101^git1', 0],
  ['1.0^20160102', '1.0^20160101^git1', 1],
  ['1.0^20160101^git1', '1.0^20160102', -1],
  // tilde and caret
  ['1.0~rc1^git1', '1.0~rc1^git1', 0],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc1^git1', -1],
  ['1.0^git1~pre', '1.0^git1~pre', 0],
  ['1.0^git1', '1.0^git1~pre', 1],
  ['1.0^git1~pre', '1.0^git1', -1],
];

const evr: Array<[string, string, -1 | 0 | 1]> = [
  // epochs: missing = 0, numeric
  ['1.0-1', '0:1.0-1', 0],
  [':1.0-1', '1.0-1', 0],
  ['1:1.0-1', '2.0-1', 1],
  ['10:1.0-1', '9:2.0-1', 1],
  // release after version; the last '-' starts the release
  ['1.0-2', '1.0-10', -1],
  ['1.0-1.el9', '1.0-1.el9_2', -1],
  // no release sorts before any release of the same version
  ['1.0', '1.0-1', -1],
  ['1.0', '1.0', 0],
  ['1.0', '1.1-1', -1],
  // real AlmaLinux versions (ALSA records)
  ['1.2.11-18.el8_5', '1.2.11-32.el9_0', -1],
  ['1:3.5.5-4.el9_8', '3.5.5-4.el9_8', 1],
  ['1:1.1.1k-16.el8_6', '1:1.1.1k-7.el8_6', 1],
  ['252-67.el9_8.2.alma.1', '252-67.el9_8.2', 1],
  ['252-67.el9_8.2.alma.1', '252-67.el9_8.3', -1],
  ['1:0.1.15-2.git2d0b8a3.module_el8.5.0+119+9a9ec082', '1:0.1.15-2.git2d0b8a3.module_el8.4.0+2496+12421f43', 1],
];

describe('rpm', () => {
  it.each(rpmvercmpVectors)('rpmvercmp(%j, %j) = %i', (a, b, want) => {
    expect(rpmvercmp(a, b)).toBe(want);
  });

  it.each(rpmvercmpVectors.filter(([a, b]) => rpm.isValid(a) && rpm.isValid(b)))(
    'compare(%j, %j) = %i as full versions',
    (a, b, want) => {
      expect(rpm.compare(a, b)).toBe(want);
    },
  );

  it.each(evr)('compare(%j, %j) = %i', (a, b, want) => {
    expect(rpm.compare(a, b)).toBe(want);
    expect(rpm.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('splits epoch, version and release as rpm does', () => {
    expect(parseRpmVersion('2:2.3.4-2.git87f9237.module_el8.5.0+119+9a9ec082')).toEqual({
      epoch: '2',
      version: '2.3.4',
      release: '2.git87f9237.module_el8.5.0+119+9a9ec082',
    });
    expect(parseRpmVersion('1.0')).toEqual({ epoch: '0', version: '1.0', release: null });
  });

  it.each([[''], ['1.0-'], ['-1'], ['1:'], ['1.0 -1'], ['a:1.0'], ['1.0-1-'], ['1.0/2'], ['1.0-1:2'], ['x'.repeat(257)]])(
    'rejects %j',
    (v) => {
      expect(rpm.isValid(v)).toBe(false);
    },
  );
});
