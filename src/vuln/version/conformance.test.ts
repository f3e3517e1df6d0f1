/**
 * One conformance suite for every scheme in the registry: an order that is a
 * total preorder on valid versions, validity that never throws, typed errors
 * for invalid input, and bounded work on hostile strings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VersionError } from './errors.js';
import { VERSION_SCHEMES, getVersionScheme, isValidVersion } from './index.js';
import { MAX_VERSION_LENGTH } from './scheme.js';
import { VERSION_ARBITRARIES, mutated } from './testdata/arbitraries.js';
import { bestOf3, withinBaseline } from '../../../test/helpers/relative-time.js';

const RUNS = 400;

/** Strings built to make a careless parser backtrack or recurse. */
const adversarial = [
  '1.'.repeat(128),
  '1-'.repeat(128),
  '1'.repeat(256),
  '0'.repeat(256),
  'a'.repeat(256),
  '~'.repeat(256),
  '-'.repeat(256),
  '.'.repeat(256),
  `1${'_alpha'.repeat(42)}`,
  `1.0.0-${'a.'.repeat(124)}a`,
  `1.0.0-beta${'1'.repeat(240)}x`,
  `1${'.0'.repeat(127)}`,
  `1${'a1'.repeat(127)}`,
  `1${'-a'.repeat(127)}`,
  `2010${'01'.repeat(126)}`,
  `1+${'a'.repeat(254)}`,
  `1${'.0'.repeat(120)}a`,
  `1!${'1.'.repeat(127)}`,
];

describe('version scheme conformance', () => {
  it('lists every scheme once, with a generator for each', () => {
    expect(VERSION_SCHEMES.map((s) => s.name)).toEqual(['deb', 'apk', 'rpm', 'semver', 'pep440', 'maven', 'go', 'gem', 'nuget', 'packagist']);
    for (const s of VERSION_SCHEMES) {
      expect(getVersionScheme(s.name)).toBe(s);
      expect(VERSION_ARBITRARIES[s.name]).toBeDefined();
    }
  });

  describe.each(VERSION_SCHEMES.map((s) => [s.name, s] as const))('%s', (name, scheme) => {
    const valid = VERSION_ARBITRARIES[name].filter((v) => scheme.isValid(v));

    it('generates mostly valid versions (the generator follows the grammar)', () => {
      const sample = fc.sample(VERSION_ARBITRARIES[name], { numRuns: 500, seed: 42 });
      const ok = sample.filter((v) => scheme.isValid(v)).length;
      expect(ok / sample.length).toBeGreaterThan(0.6);
    });

    it('is reflexive', () => {
      fc.assert(
        fc.property(valid, (a) => scheme.compare(a, a) === 0),
        { numRuns: RUNS },
      );
    });

    it('is antisymmetric', () => {
      fc.assert(
        fc.property(valid, valid, (a, b) => {
          const ab = scheme.compare(a, b);
          const ba = scheme.compare(b, a);
          expect([a, b, ab]).toEqual([a, b, ba === 0 ? 0 : -ba]);
        }),
        { numRuns: RUNS },
      );
    });

    it('is transitive, and equal versions compare alike', () => {
      fc.assert(
        fc.property(valid, valid, valid, (a, b, c) => {
          const ab = scheme.compare(a, b);
          const bc = scheme.compare(b, c);
          const ac = scheme.compare(a, c);
          if (ab <= 0 && bc <= 0) expect([a, b, c, ac <= 0]).toEqual([a, b, c, true]);
          if (ab >= 0 && bc >= 0) expect([a, b, c, ac >= 0]).toEqual([a, b, c, true]);
          if (ab === 0) expect([a, b, c, ac]).toEqual([a, b, c, bc]);
        }),
        { numRuns: RUNS * 2 },
      );
    });

    it('sorts consistently (every sorted neighbour pair is in order)', () => {
      fc.assert(
        fc.property(fc.array(valid, { minLength: 2, maxLength: 12 }), (list) => {
          const sorted = [...list].sort((x, y) => scheme.compare(x, y));
          for (let i = 0; i < sorted.length; i++) {
            for (let j = i + 1; j < sorted.length; j++) {
              expect([sorted[i], sorted[j], scheme.compare(sorted[i]!, sorted[j]!) <= 0]).toEqual([sorted[i], sorted[j], true]);
            }
          }
        }),
        { numRuns: RUNS / 4 },
      );
    });

    it('never throws from isValid, on any string', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), mutated(VERSION_ARBITRARIES[name])), (s) => {
          expect(typeof scheme.isValid(s)).toBe('boolean');
          expect(typeof isValidVersion(name, s)).toBe('boolean');
        }),
        { numRuns: RUNS * 2 },
      );
      for (const junk of [undefined, null, 42, {}, []]) {
        expect(scheme.isValid(junk as unknown as string)).toBe(false);
      }
    });

    it('compares near-miss versions it accepts without error, and rejects the rest with a VersionError', () => {
      fc.assert(
        fc.property(mutated(VERSION_ARBITRARIES[name]), valid, (s, v) => {
          if (scheme.isValid(s)) {
            const r = scheme.compare(s, v);
            expect(scheme.compare(v, s)).toBe(r === 0 ? 0 : -r);
          } else {
            let thrown: unknown;
            try {
              scheme.compare(v, s);
            } catch (e) {
              thrown = e;
            }
            expect(thrown).toBeInstanceOf(VersionError);
            expect((thrown as VersionError).code).toBe('INVALID_VERSION');
            expect((thrown as VersionError).scheme).toBe(name);
            expect((thrown as VersionError).version).toBe(s);
          }
        }),
        { numRuns: RUNS },
      );
    });

    it(`rejects anything longer than ${MAX_VERSION_LENGTH} characters`, () => {
      fc.assert(
        fc.property(valid, (v) => {
          const long = `${v}${'0'.repeat(MAX_VERSION_LENGTH + 1 - v.length)}`;
          expect(long.length).toBeGreaterThan(MAX_VERSION_LENGTH);
          expect(scheme.isValid(long)).toBe(false);
        }),
        { numRuns: 50 },
      );
    });

    it('costs about what valid versions cost on adversarial strings', () => {
      const sample = fc.sample(valid, { numRuns: 20, seed: 7 });
      const work = (s: string) => {
        if (scheme.isValid(s)) for (const v of sample) scheme.compare(s, v);
      };
      // Benign baseline: the same work for every valid sample version.
      const benignMs = bestOf3(() => sample.forEach(work));
      for (const s of adversarial) withinBaseline(benignMs, () => work(s), s.slice(0, 20));
    });
  });
});
