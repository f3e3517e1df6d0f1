import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextLink, parseLinkHeader } from './link.js';

describe('Link header', () => {
  it('finds the next page the way distribution writes it', () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
  });

  it('handles several links, unquoted rel, rel lists and commas inside quotes', () => {
    const h = '<https://r/a>; rel=prev; title="x, y", <https://r/b?x=1>;rel="last next"';
    expect(parseLinkHeader(h)).toEqual([
      { target: 'https://r/a', params: { rel: 'prev', title: 'x, y' } },
      { target: 'https://r/b?x=1', params: { rel: 'last next' } },
    ]);
    expect(nextLink(h)).toBe('https://r/b?x=1');
  });

  it('has no next without one', () => {
    expect(nextLink(undefined)).toBeUndefined();
    expect(nextLink('<https://r/a>; rel="prev"')).toBeUndefined();
    expect(nextLink('garbage; rel=next')).toBeUndefined();
  });

  it('never throws on arbitrary input and still finds a well-formed next link after junk', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.webPath(), (junk, p) => {
        expect(Array.isArray(parseLinkHeader(junk))).toBe(true);
        const cleaned = junk.replace(/[<>]/g, '');
        const target = `/v2/x/tags/list?last=${encodeURIComponent(p)}`;
        const links = parseLinkHeader(`${cleaned}, <${target}>; rel="next"`);
        expect(links.some((l) => l.target === target && l.params.rel === 'next')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
