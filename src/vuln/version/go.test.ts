import { describe, expect, it } from 'vitest';
import { go, parseGoVersion } from './go.js';

// Vectors from golang.org/x/mod/semver's tests (golang/mod, semver/semver_test.go):
// the list is in ascending order; entries with the same canonical form are
// equal; an empty canonical form marks an invalid version.
const goTests: Array<[string, string]> = [
  ['bad', ''],
  ['v1-alpha.beta.gamma', ''],
  ['v1-pre', ''],
  ['v1+meta', ''],
  ['v1-pre+meta', ''],
  ['v1.2-pre', ''],
  ['v1.2+meta', ''],
  ['v1.2-pre+meta', ''],
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

describe('go', () => {
  it.each(goTests)('isValid(%j) follows x/mod/semver', (input, canonical) => {
    expect(go.isValid(input)).toBe(canonical !== '');
  });

  it('orders the x/mod/semver test list', () => {
    const valid = goTests.filter(([, c]) => c !== '');
    for (let i = 0; i < valid.length; i++) {
      for (let j = 0; j < valid.length; j++) {
        const [a, ca] = valid[i]!;
        const [b, cb] = valid[j]!;
        const want = ca === cb ? 0 : i < j ? -1 : 1;
        expect([a, b, go.compare(a, b)]).toEqual([a, b, want]);
      }
    }
  });

  it.each<[string, string, -1 | 0 | 1]>([
    // x/mod/semver TestCompare extras
    ['v1', 'v1', 0],
    ['v2', 'v1', 1],
    ['v1', 'v2', -1],
    ['v1.19', 'v1.2', 1],
    // +incompatible is build metadata
    ['v2.0.0+incompatible', 'v2.0.0', 0],
    ['v2.1.0+incompatible', 'v2.0.9', 1],
    // pseudo-versions sort as prereleases of the next version
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200220183623-bac4c82f6975', -1],
    ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.1', -1],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', 1],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', -1],
    ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4-rc.1', -1],
    ['v1.2.3-pre.0.20191109021931-daa7c04131f5', 'v1.2.3-pre', 1],
    ['v1.2.3-pre.0.20191109021931-daa7c04131f5', 'v1.2.3-pre.1', -1],
    // OSV Go ranges write versions without `v` (golang/vulndb records)
    ['0', 'v0.0.0', 0],
    ['1.17.0-0', '1.17.0', -1],
    ['1.16.15', '1.17.0-0', -1],
    ['0.0.0-20220314234659-1baeb1ce4c0b', '0.0.0-20200220183623-bac4c82f6975', 1],
    ['0.5.0-alpha.5.0.20200423152442-f4b650b51dc4', '0.5.0-alpha.5', 1],
    ['1.0.4-0.20180125103619-43913f2f4fbd', '1.0.3', 1],
  ])('compare(%j, %j) = %i', (a, b, want) => {
    expect(go.compare(a, b)).toBe(want);
    expect(go.compare(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it('parses major, minor, patch and prerelease', () => {
    expect(parseGoVersion('v1.2.4-0.20191109021931-daa7c04131f5+incompatible')).toEqual({
      major: '1',
      minor: '2',
      patch: '4',
      prerelease: ['0', '20191109021931-daa7c04131f5'],
    });
  });

  it.each([[''], ['v'], ['v01.2.3'], ['v1.02.3'], ['v1.2.3-01'], ['v1.2.3-'], ['v1.2.3+'], ['v1.2.3.4'], ['V1.2.3'], ['v1.2.3 '], ['vv1.2.3']])(
    'rejects %j',
    (v) => {
      expect(go.isValid(v)).toBe(false);
    },
  );
});
