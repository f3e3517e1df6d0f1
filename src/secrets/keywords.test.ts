import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAsciiKeyword, KeywordMatcher } from './keywords.js';

const naive = (keywords: readonly string[], text: string): number[] =>
  keywords.flatMap((k, i) => (text.toLowerCase().includes(k) ? [i] : [])).sort((a, b) => a - b);
const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

describe('KeywordMatcher', () => {
  it('finds overlapping and nested keywords, case-insensitively', () => {
    const keywords = ['sk.eyj', 'eyj', 'private key-----', 'key', '_auth', '_authtoken', 'a3t'];
    const m = new KeywordMatcher(keywords);
    expect(sorted(m.scanBytes(Buffer.from('x SK.eyJhbGci //reg/:_authToken=1')))).toEqual([0, 1, 4, 5]);
    expect(sorted(m.scanString('-----BEGIN RSA PRIVATE KEY-----'))).toEqual([2, 3]);
    expect(sorted(m.scanString('nothing here'))).toEqual([]);
    expect(sorted(m.scanString('ÄKIA a3T ünïcode'))).toEqual([6]);
  });

  it('agrees with a naive search on random keyword sets and texts', () => {
    const alphabet = fc.constantFrom(...'abcAB_-:.'.split(''));
    const word = fc.string({ unit: alphabet, minLength: 1, maxLength: 5 }).map((s) => s.toLowerCase());
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 12 }), fc.string({ unit: alphabet, maxLength: 200 }), (keywords, text) => {
        const m = new KeywordMatcher(keywords);
        expect(sorted(m.scanString(text))).toEqual(naive(keywords, text));
        expect(sorted(m.scanBytes(Buffer.from(text)))).toEqual(naive(keywords, text));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts lower-case printable ASCII keywords only', () => {
    expect(isAsciiKeyword('ghp_')).toBe(true);
    expect(isAsciiKeyword('GHP_')).toBe(false);
    expect(isAsciiKeyword('clé')).toBe(false);
    expect(isAsciiKeyword('')).toBe(false);
  });
});
