import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerChallenge, MAX_HEADER, parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a registry bearer challenge', () => {
    const h = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"';
    expect(parseWwwAuthenticate(h)).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ]);
    expect(bearerChallenge(parseWwwAuthenticate(h))).toEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scopes: ['repository:library/alpine:pull'],
    });
  });

  it('splits several challenges and keeps escapes, commas and spaces in quoted values', () => {
    const h = 'Basic realm="a, \\"b\\"", Bearer realm="https://t/x",scope="repository:a:pull repository:b:pull",error="insufficient_scope"';
    const out = parseWwwAuthenticate(h);
    expect(out.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(out[0]!.params.realm).toBe('a, "b"');
    expect(bearerChallenge(out)).toEqual({ realm: 'https://t/x', scopes: ['repository:a:pull', 'repository:b:pull'], error: 'insufficient_scope' });
  });

  it('accepts unquoted values, odd spacing, upper-case names and several header lines', () => {
    const out = parseWwwAuthenticate(['  BEARER   Realm = https://r/token ,  Service=reg ', 'Basic realm=x']);
    expect(out).toEqual([
      { scheme: 'bearer', params: { realm: 'https://r/token', service: 'reg' } },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  it('reads token68 challenges', () => {
    expect(parseWwwAuthenticate('Negotiate abc+/def==, Basic realm="r"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/def==' },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
  });

  it('gives no bearer challenge without a realm', () => {
    expect(bearerChallenge(parseWwwAuthenticate('Bearer service="x"'))).toBeUndefined();
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });

  it('never throws or hangs on arbitrary input, and finds a well-formed challenge appended to junk', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.webUrl(), (junk, realm) => {
        const out = parseWwwAuthenticate(junk);
        expect(Array.isArray(out)).toBe(true);
        for (const c of out) expect(c.scheme).toMatch(/^[!#$%&'*+.^_`|~0-9a-z-]+$/);
        const withChallenge = parseWwwAuthenticate(`${junk.replace(/"/g, '')}, Bearer realm="${realm}",service="svc"`);
        const b = withChallenge.find((c) => c.scheme === 'bearer' && c.params.realm === realm);
        expect(b?.params.service).toBe('svc');
      }),
      { numRuns: 300 },
    );
  });

  it('bounds the work on huge headers: only the first MAX_HEADER characters are read', () => {
    const params = Array.from({ length: 200_000 }, (_, i) => `p${i}="v"`);
    const huge = `Bearer ${params.join(',')}`;
    const out = parseWwwAuthenticate(huge);
    // What it returns is exactly what the first MAX_HEADER characters give: nothing beyond them was looked at.
    expect(out).toEqual(parseWwwAuthenticate(huge.slice(0, MAX_HEADER)));
    const read = Object.keys(out[0]!.params);
    expect(read.length).toBeGreaterThan(1000);
    expect(read.length).toBeLessThanOrEqual(MAX_HEADER / 'p0="v",'.length);
    expect(out[0]!.params.p199999).toBeUndefined();
    // The same bound holds for a header given as many values.
    const many = parseWwwAuthenticate(params.map((p) => `Bearer ${p}`));
    expect(many.length).toBeLessThanOrEqual(MAX_HEADER / 'Bearer p0="v", '.length);
  });
});
