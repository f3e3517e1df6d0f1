import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OsvEvent, OsvRange } from '../db/index.js';
import { compareVersions } from '../version/index.js';
import { evaluateAffected, type RangeSchemes } from './ranges.js';

const NPM: RangeSchemes = { ecosystem: 'semver', semver: 'semver' };
const DEB: RangeSchemes = { ecosystem: 'deb', semver: 'semver' };
const eco = (...events: OsvEvent[]): OsvRange => ({ type: 'ECOSYSTEM', events });

describe('evaluateAffected', () => {
  // [what, schemes, ranges, versions[], installed, affected, fixedVersion]
  const table: Array<[string, RangeSchemes, OsvRange[], string[], string, boolean, string | undefined]> = [
    ['inside introduced 0 .. fixed', NPM, [eco({ introduced: '0' }, { fixed: '4.17.20' })], [], '4.17.15', true, '4.17.20'],
    ['fixed is exclusive', NPM, [eco({ introduced: '0' }, { fixed: '4.17.20' })], [], '4.17.20', false, undefined],
    ['above the fix', NPM, [eco({ introduced: '0' }, { fixed: '4.17.20' })], [], '4.17.21', false, undefined],
    ['introduced is inclusive', NPM, [eco({ introduced: '1.0.0' }, { fixed: '1.2.6' })], [], '1.0.0', true, '1.2.6'],
    ['below introduced', NPM, [eco({ introduced: '1.0.0' }, { fixed: '1.2.6' })], [], '0.9.9', false, undefined],
    ['last_affected is inclusive', NPM, [eco({ introduced: '0' }, { last_affected: '2.88.2' })], [], '2.88.2', true, undefined],
    ['past last_affected', NPM, [eco({ introduced: '0' }, { last_affected: '2.88.2' })], [], '2.88.3', false, undefined],
    ['no fix at all', NPM, [eco({ introduced: '0' })], [], '99.0.0', true, undefined],
    // Several intervals in one range, given out of order: events are sorted before the walk.
    ['second interval', NPM, [eco({ fixed: '1.17.8' }, { introduced: '1.17.0-0' }, { fixed: '1.16.15' }, { introduced: '0' })], [], '1.17.5', true, '1.17.8'],
    ['between intervals', NPM, [eco({ fixed: '1.17.8' }, { introduced: '1.17.0-0' }, { fixed: '1.16.15' }, { introduced: '0' })], [], '1.16.20', false, undefined],
    ['first interval', NPM, [eco({ fixed: '1.17.8' }, { introduced: '1.17.0-0' }, { fixed: '1.16.15' }, { introduced: '0' })], [], '1.16.14', true, '1.16.15'],
    ['prerelease of the second line', NPM, [eco({ introduced: '0' }, { fixed: '1.16.15' }, { introduced: '1.17.0-0' }, { fixed: '1.17.8' })], [], '1.17.0-rc.1', true, '1.17.8'],
    ['introduced and fixed at one version affect nothing', NPM, [eco({ introduced: '1.0.0' }, { fixed: '1.0.0' })], [], '1.0.0', false, undefined],
    ['limit bounds the range', NPM, [eco({ introduced: '0' }, { limit: '2.0.0' })], [], '1.5.0', true, undefined],
    ['at the limit', NPM, [eco({ introduced: '0' }, { limit: '2.0.0' })], [], '2.0.0', false, undefined],
    ['several ranges: one hits', NPM, [eco({ introduced: '2.1.0' }, { fixed: '5.2.4' }), eco({ introduced: '7.0.0' }, { fixed: '7.5.10' })], [], '7.4.5', true, '7.5.10'],
    ['several ranges: none hits', NPM, [eco({ introduced: '2.1.0' }, { fixed: '5.2.4' }), eco({ introduced: '7.0.0' }, { fixed: '7.5.10' })], [], '6.0.0', false, undefined],
    ['overlapping ranges: the highest fix clears both', NPM, [eco({ introduced: '0' }, { fixed: '2.0.0' }), eco({ introduced: '1.0.0' }, { fixed: '3.0.0' })], [], '1.5.0', true, '3.0.0'],
    ['an open overlapping range: no fix', NPM, [eco({ introduced: '0' }, { fixed: '2.0.0' }), eco({ introduced: '1.0.0' })], [], '1.5.0', true, undefined],
    ['listed in versions[]', NPM, [], ['1.0.0', '1.0.1'], '1.0.1', true, undefined],
    ['not listed', NPM, [], ['1.0.0', '1.0.1'], '1.0.2', false, undefined],
    // deb: epochs, revisions, `~`.
    ['deb: epoch of a fix below', DEB, [eco({ introduced: '0' }, { fixed: '1:1.2.11.dfsg-4.1' })], [], '1:1.2.13.dfsg-1', false, undefined],
    ['deb: stable update below the fix', DEB, [eco({ introduced: '0' }, { fixed: '2.36-9+deb12u3' })], [], '2.36-9+deb12u2', true, '2.36-9+deb12u3'],
    ['deb: stable update at the fix', DEB, [eco({ introduced: '0' }, { fixed: '2.36-9+deb12u3' })], [], '2.36-9+deb12u14', false, undefined],
    ['deb: ~ sorts before', DEB, [eco({ introduced: '0' }, { fixed: '252.38-1~deb12u1' })], [], '252.38-1~deb12u0', true, '252.38-1~deb12u1'],
    ['deb: a binary epoch would hide the finding', DEB, [eco({ introduced: '0' }, { fixed: '2.40-1' })], [], '1:2.38.1-5+deb12u3', false, undefined],
    ['deb: the source version shows it', DEB, [eco({ introduced: '0' }, { fixed: '2.40-1' })], [], '2.38.1-5+deb12u3', true, '2.40-1'],
  ];

  it.each(table)('%s', (_what, schemes, ranges, versions, installed, affected, fixed) => {
    const r = evaluateAffected({ version: installed, ranges, versions, schemes });
    expect(r.affected).toBe(affected);
    expect(r.fixedVersion).toBe(fixed);
    expect(r.warnings).toEqual([]);
  });

  it('uses SemVer for SEMVER ranges and the ecosystem scheme for ECOSYSTEM ones', () => {
    const semverRange: OsvRange = { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.3' }] };
    // SemVer: a prerelease sorts before its release; dpkg reads `-alpha` as a revision above it.
    expect(evaluateAffected({ version: '1.2.3-alpha', ranges: [semverRange], schemes: DEB }).affected).toBe(true);
    expect(evaluateAffected({ version: '1.2.3-alpha', ranges: [eco({ introduced: '0' }, { fixed: '1.2.3' })], schemes: DEB }).affected).toBe(false);
  });

  it('evaluates Go and PyPI ranges in their own schemes', () => {
    const go: RangeSchemes = { ecosystem: 'go', semver: 'go' };
    const stdlib: OsvRange = { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.20.10' }, { introduced: '1.21.0-0' }, { fixed: '1.21.3' }] };
    expect(evaluateAffected({ version: '1.19.8', ranges: [stdlib], schemes: go })).toMatchObject({ affected: true, fixedVersion: '1.20.10' });
    expect(evaluateAffected({ version: 'v1.21.3', ranges: [stdlib], schemes: go }).affected).toBe(false);
    const pep: RangeSchemes = { ecosystem: 'pep440', semver: 'semver' };
    const requests = eco({ introduced: '2.3.0' }, { fixed: '2.31.0' });
    expect(evaluateAffected({ version: '2.28.1', ranges: [requests], schemes: pep })).toMatchObject({ affected: true, fixedVersion: '2.31.0' });
    expect(evaluateAffected({ version: '2.31.0rc1', ranges: [requests], schemes: pep }).affected).toBe(true);
    expect(evaluateAffected({ version: '2.31.0.post1', ranges: [requests], schemes: pep }).affected).toBe(false);
  });

  it('skips GIT ranges and counts them', () => {
    const git: OsvRange = { type: 'GIT', repo: 'https://example.org/x.git', events: [{ introduced: '0' }, { fixed: 'a1b2c3' }] };
    const r = evaluateAffected({ version: '1.0.0', ranges: [git], schemes: NPM });
    expect(r).toMatchObject({ affected: false, gitRangesSkipped: 1 });
    expect(r.reason).toMatch(/GIT/);
    const both = evaluateAffected({ version: '1.0.0', ranges: [git, eco({ introduced: '0' }, { fixed: '1.0.1' })], schemes: NPM });
    expect(both).toMatchObject({ affected: true, fixedVersion: '1.0.1', gitRangesSkipped: 1 });
  });

  it('skips a range with an unreadable version, with a warning, and still uses the others', () => {
    const bad = eco({ introduced: '0' }, { fixed: 'not a version!' });
    const r = evaluateAffected({ version: '1.0.0', ranges: [bad, eco({ introduced: '0' }, { fixed: '2.0.0' })], schemes: NPM });
    expect(r).toMatchObject({ affected: true, fixedVersion: '2.0.0' });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/range 0: fixed "not a version!" is not a semver version/);
    expect(evaluateAffected({ version: '1.0.0', ranges: [bad], schemes: NPM }).affected).toBe(false);
  });

  it('counts unreadable entries of versions[] and an unreadable installed version', () => {
    const r = evaluateAffected({ version: '1.0.1', ranges: [], versions: ['x.y', '1.0.1'], schemes: NPM });
    expect(r.affected).toBe(true);
    const s = evaluateAffected({ version: '1.0.2', ranges: [], versions: ['x.y', '1.0.1'], schemes: NPM });
    expect(s).toMatchObject({ affected: false, warnings: ['1 listed version(s) are not semver versions: skipped'] });
    const t = evaluateAffected({ version: 'garbage', ranges: [eco({ introduced: '0' })], schemes: NPM });
    expect(t.affected).toBe(false);
    expect(t.warnings[0]).toMatch(/installed version "garbage" is not a semver version/);
  });

  it('says why', () => {
    expect(evaluateAffected({ version: '1.5.0', ranges: [eco({ introduced: '1.0.0' }, { fixed: '2.0.0' })], schemes: NPM }).reason).toBe('introduced 1.0.0, fixed 2.0.0');
    expect(evaluateAffected({ version: '2.5.0', ranges: [eco({ introduced: '1.0.0' }, { fixed: '2.0.0' })], schemes: NPM }).reason).toBe('not affected: fixed in 2.0.0');
  });
});

describe('evaluateAffected under random input', () => {
  const piece = fc.oneof(
    fc.constantFrom('0', '1.0.0', '1.2.3-rc.1', '2.0.0', '*', '', '1:2.3-4', 'v1.2.3', '1.0', '~', '0.0.0-2020'),
    fc.string({ maxLength: 12 }),
    fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`),
  );
  const event = fc.oneof(
    piece.map((v) => ({ introduced: v })),
    piece.map((v) => ({ fixed: v })),
    piece.map((v) => ({ last_affected: v })),
    piece.map((v) => ({ limit: v })),
    fc.anything() as fc.Arbitrary<OsvEvent>,
  );
  const range = fc.record({
    type: fc.constantFrom('ECOSYSTEM', 'SEMVER', 'GIT', 'OTHER'),
    events: fc.array(event, { maxLength: 12 }),
  }) as fc.Arbitrary<OsvRange>;
  const scheme = fc.constantFrom('semver', 'deb', 'apk', 'rpm', 'pep440', 'maven', 'go', 'gem', 'nuget', 'packagist') as fc.Arbitrary<RangeSchemes['ecosystem']>;

  it('never throws and always answers', () => {
    fc.assert(
      fc.property(piece, fc.array(range, { maxLength: 5 }), fc.array(piece, { maxLength: 5 }), scheme, (version, ranges, versions, s) => {
        const r = evaluateAffected({ version, ranges, versions, schemes: { ecosystem: s, semver: 'semver' } });
        expect(typeof r.affected).toBe('boolean');
        expect(typeof r.reason).toBe('string');
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with the interval an introduced/fixed pair describes, in either order', () => {
    const v = fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5)).map(([a, b, c]) => `${a}.${b}.${c}`);
    fc.assert(
      fc.property(v, v, v, (a, b, x) => {
        const r = evaluateAffected({ version: x, ranges: [eco({ fixed: b }, { introduced: a })], schemes: NPM });
        const ab = compareVersions('semver', a, b);
        // Events are walked in version order: a fix below the introduction closes nothing after it.
        const expected = ab < 0 ? compareVersions('semver', a, x) <= 0 && compareVersions('semver', x, b) < 0 : ab > 0 && compareVersions('semver', x, a) >= 0;
        expect(r.affected).toBe(expected);
        expect(r.fixedVersion).toBe(expected && ab < 0 ? b : undefined);
      }),
      { numRuns: 1000 },
    );
  });
});
