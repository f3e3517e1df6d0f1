import { describe, expect, it } from 'vitest';
import { annotationMismatches, buildPayload, parsePayload } from './payload.js';
import { parseStrictJson } from './strict-json.js';

const D = `sha256:${'b'.repeat(64)}`;
const valid = (over: Record<string, unknown> = {}, critical: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'r/x' }, image: { 'docker-manifest-digest': D }, type: 'cosign container image signature', ...critical }, optional: null, ...over }));

describe('parsePayload (containers/image payload schema rules)', () => {
  it('accepts what buildPayload writes, with and without annotations', () => {
    expect(parsePayload(buildPayload(D, 'r/x'))).toEqual({ ok: true, payload: { dockerReference: 'r/x', manifestDigest: D, optional: null } });
    expect(parsePayload(buildPayload(D, 'r/x', { a: '1' }))).toMatchObject({ ok: true, payload: { optional: { a: '1' } } });
  });

  const rejects: [string, Buffer, RegExp][] = [
    ['missing optional', Buffer.from(JSON.stringify({ critical: JSON.parse(valid().toString()).critical })), /lacks "optional"/],
    ['extra top-level field', valid({ extra: 1 }), /unexpected field "extra"/],
    ['extra critical field', valid({}, { more: 1 }), /critical has an unexpected field "more"/],
    ['wrong type', valid({}, { type: 'something else' }), /critical.type/],
    ['digest not a digest', valid({}, { image: { 'docker-manifest-digest': 'latest' } }), /not a digest/],
    ['identity not a string', valid({}, { identity: { 'docker-reference': 5 } }), /docker-reference is not a string/],
    ['optional an array', valid({ optional: [] }), /neither null nor an object/],
    ['creator not a string', valid({ optional: { creator: 1 } }), /creator is not a string/],
    ['timestamp not an integer', valid({ optional: { timestamp: 1.5 } }), /timestamp is not an integer/],
    ['uppercase field names', Buffer.from(valid().toString().replace('"critical"', '"Critical"')), /unexpected field "Critical"/],
    ['duplicate keys', Buffer.from(valid().toString().replace('"optional":null', '"optional":null,"optional":{}')), /duplicate key "optional"/],
    ['not JSON', Buffer.from('&'), /not valid JSON/],
  ];
  for (const [name, bytes, reason] of rejects) {
    it(`rejects: ${name}`, () => {
      const out = parsePayload(bytes);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.reason).toMatch(reason);
    });
  }

  it('ignores unknown optional fields (only creator/timestamp are typed)', () => {
    expect(parsePayload(valid({ optional: { anything: [1, 2] } })).ok).toBe(true);
  });

  it('annotation matching needs own string properties', () => {
    expect(annotationMismatches({ toString: 'x' }, { toString: 'x' })).toEqual([]);
    expect(annotationMismatches({}, { constructor: 'x' })).toEqual(['constructor is not signed']);
    expect(annotationMismatches(null, { a: 'b' })).toEqual(['a is not signed']);
  });
});

describe('parseStrictJson', () => {
  it('reports depth, trailing data and bad escapes', () => {
    expect(parseStrictJson('['.repeat(100) + ']'.repeat(100), { maxDepth: 64 })).toMatchObject({ ok: false, reason: expect.stringMatching(/nested deeper/) });
    expect(parseStrictJson('{} x')).toMatchObject({ ok: false, reason: expect.stringMatching(/trailing/) });
    expect(parseStrictJson('"\\x"')).toMatchObject({ ok: false, reason: 'bad escape' });
    expect(parseStrictJson('{"a":1,"b":[true,false,null,-1.5e3,"\\u00e9"]}')).toEqual({ ok: true, value: { a: 1, b: [true, false, null, -1500, 'é'] } });
  });
});
