import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAdmissionEnvironment } from './library.js';
import { Quantity } from './quantity.js';
import { toCel } from './values.js';

const env = createAdmissionEnvironment();
const object = toCel({
  metadata: { name: 'web', labels: { app: 'web', tier: 'frontend' } },
  spec: {
    replicas: 3,
    ratio: 0.5,
    ports: [443, 80, 8080],
    names: ['b', 'a', 'c'],
    containers: [
      { name: 'app', image: 'registry.example/app:1.2', resources: { limits: { memory: '512Mi', cpu: '500m' } } },
      { name: 'side', image: 'registry.example/side:latest', resources: { limits: { memory: '2Gi', cpu: '2' } } },
    ],
    url: 'https://user@api.example.com:8443/v1/items?limit=10&tag=a&tag=b',
  },
});
const ev = (expr: string) => env.evaluate(expr, { object, params: null, variables: {}, request: {}, namespaceObject: null, oldObject: null });

describe('values from manifests', () => {
  it('turns integer numbers into CEL ints and keeps doubles', () => {
    expect(ev('object.spec.replicas + 1')).toBe(4n);
    expect(ev('object.spec.ratio * 2.0')).toBe(1);
    expect(ev('object.spec.replicas == 3.0')).toBe(true);
    expect(ev("type(object.spec.replicas) == int")).toBe(true);
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    const o = toCel(JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}')) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(env.evaluate("'__proto__' in object", { object: o })).toBe(true);
  });
});

describe('strings', () => {
  it.each([
    ["'a-b-c'.replace('-', '+')", 'a+b+c'],
    ["'a-b-c'.replace('-', '+', 1)", 'a+b-c'],
    ["'a-b-c'.replace('-', '+', -1)", 'a+b+c'],
    ["'a-b-c'.replace('-', '+', 0)", 'a-b-c'],
    ["'héllo'.charAt(1)", 'é'],
    ["'abc'.charAt(3)", ''],
    ["'abc'.reverse()", 'cba'],
    ["'Hello'.lowerAscii() + 'x'.upperAscii()", 'helloX'],
    ["'  x '.trim()", 'x'],
    ["'a,b,c'.split(',').join('|')", 'a|b|c'],
    ["'abcabc'.indexOf('c')", 2n],
    ["'abcabc'.lastIndexOf('c')", 5n],
    ["'abcdef'.substring(1, 3)", 'bc'],
  ])('%s', (expr, want) => {
    expect(ev(expr)).toBe(want);
  });

  it('charAt out of range is an error', () => {
    expect(() => ev("'abc'.charAt(4)")).toThrow(/out of range/);
  });
});

describe('regex', () => {
  it('matches, finds and finds all', () => {
    expect(ev("object.spec.containers.all(c, c.image.matches('^registry\\\\.example/'))")).toBe(true);
    expect(ev("'abc 123 def 456'.find('[0-9]+')")).toBe('123');
    expect(ev("'abc'.find('[0-9]+')")).toBe('');
    expect(ev("'abc 123 def 456'.findAll('[0-9]+')")).toEqual(['123', '456']);
    expect(ev("'1 2 3'.findAll('[0-9]', 2)")).toEqual(['1', '2']);
    expect(() => ev("'x'.find('(')")).toThrow(/invalid regular expression/);
    expect(ev("'Hello HELLO'.findAll('(?i)hello')")).toEqual(['Hello', 'HELLO']);
  });
});

describe('lists', () => {
  it.each([
    ['object.spec.ports.sum()', 8603n],
    ['[0.5, 1.0].sum()', 1.5],
    ['[].sum()', 0n],
    ['object.spec.ports.max()', 8080n],
    ['object.spec.ports.min()', 80n],
    ["object.spec.names.min()", 'a'],
    ['object.spec.ports.isSorted()', false],
    ["['a', 'b', 'b'].isSorted()", true],
    ['object.spec.ports.indexOf(80)', 1n],
    ['object.spec.ports.indexOf(80.0)', 1n],
    ['[1, 2, 1].lastIndexOf(1)', 2n],
    ['[1, 2].indexOf(3)', -1n],
  ])('%s', (expr, want) => {
    expect(ev(expr)).toEqual(want);
  });

  it('flattens, slices, reverses and dedupes', () => {
    expect(ev('[[1, 2], [3]].flatten()')).toEqual([1n, 2n, 3n]);
    expect(ev('[1, 2, 3, 4].slice(1, 3)')).toEqual([2n, 3n]);
    expect(ev('[1, 2, 3].reverse()')).toEqual([3n, 2n, 1n]);
    expect(ev('[1, 2, 1, 3, 2].distinct()')).toEqual([1n, 2n, 3n]);
    expect(() => ev('[1].slice(0, 2)')).toThrow(/out of range/);
    expect(() => ev('[].max()')).toThrow(/empty list/);
  });

  it('sets', () => {
    expect(ev("sets.contains(['a', 'b', 'c'], ['a', 'c'])")).toBe(true);
    expect(ev("sets.contains(['a'], ['a', 'z'])")).toBe(false);
    expect(ev('sets.equivalent([1, 2, 2], [2, 1])')).toBe(true);
    expect(ev("sets.intersects(['a'], ['b', 'a'])")).toBe(true);
    expect(ev("sets.intersects(['a'], ['b'])")).toBe(false);
  });

  it('the built-in macros work on manifest data', () => {
    expect(ev("object.spec.containers.exists(c, c.image.endsWith(':latest'))")).toBe(true);
    expect(ev("object.spec.containers.filter(c, c.image.endsWith(':latest')).map(c, c.name)")).toEqual(['side']);
    expect(ev("object.?metadata.?annotations.orValue({}).size()")).toBe(0n);
  });
});

describe('url', () => {
  it('splits an absolute URL', () => {
    expect(ev('url(object.spec.url).getScheme()')).toBe('https');
    expect(ev('url(object.spec.url).getHost()')).toBe('api.example.com:8443');
    expect(ev('url(object.spec.url).getHostname()')).toBe('api.example.com');
    expect(ev('url(object.spec.url).getPort()')).toBe('8443');
    expect(ev('url(object.spec.url).getEscapedPath()')).toBe('/v1/items');
    expect(ev("url(object.spec.url).getQuery()['tag']")).toEqual(['a', 'b']);
    expect(ev("url('https://[::1]:80/').getHostname()")).toBe('::1');
  });

  it('accepts absolute paths, rejects relative ones', () => {
    expect(ev("url('/healthz').getEscapedPath()")).toBe('/healthz');
    expect(ev("url('/healthz').getScheme()")).toBe('');
    expect(ev("isURL('relative/path')")).toBe(false);
    expect(ev("isURL('https://example.com')")).toBe(true);
    expect(() => ev("url('not a url')")).toThrow(/URL parse error/);
  });
});

describe('quantity', () => {
  it('compares resource quantities across units', () => {
    expect(ev("quantity('1Gi').compareTo(quantity('1024Mi'))")).toBe(0n);
    expect(ev("quantity('1Gi') == quantity('1073741824')")).toBe(true);
    expect(ev("quantity('500m') != quantity('0.5')")).toBe(false);
    expect(ev("object.spec.containers.all(c, quantity(c.resources.limits.memory).isLessThan(quantity('1Gi')))")).toBe(false);
    expect(ev("quantity(object.spec.containers[1].resources.limits.cpu).isGreaterThan(quantity('1500m'))")).toBe(true);
    expect(ev("quantity('1.5').add(quantity('500m')).asInteger()")).toBe(2n);
    expect(ev("quantity('2').sub(3).sign()")).toBe(-1n);
    expect(ev("quantity('1500m').isInteger()")).toBe(false);
    expect(ev("quantity('1e3').asApproximateFloat()")).toBe(1000);
    expect(ev("isQuantity('12Zi')")).toBe(false);
    expect(() => ev("quantity('1500m').asInteger()")).toThrow(/cannot convert value to integer/);
    expect(() => ev("quantity('lots')")).toThrow(/quantities must match/);
  });

  it('parses every suffix exactly', () => {
    const cases: Array<[string, bigint, bigint]> = [
      ['1Ki', 1024n, 1n],
      ['2Mi', 2n * 1024n ** 2n, 1n],
      ['1Ei', 1024n ** 6n, 1n],
      ['1n', 1n, 1_000_000_000n],
      ['1u', 1n, 1_000_000n],
      ['250m', 1n, 4n],
      ['1k', 1000n, 1n],
      ['1E', 10n ** 18n, 1n],
      ['1.5e-2', 3n, 200n],
      ['-0.25', -1n, 4n],
      ['.5', 1n, 2n],
      ['+7', 7n, 1n],
    ];
    for (const [text, num, den] of cases) {
      const q = Quantity.parse(text);
      expect([q.num, q.den], text).toEqual([num, den]);
    }
    for (const bad of ['', 'Ki', '1KiB', '1.2.3', '1e', '1e99999', '--1', '1 Ki']) expect(Quantity.tryParse(bad), bad).toBeUndefined();
  });

  it('never throws on arbitrary text and orders consistently', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (s, a, b) => {
        Quantity.tryParse(s);
        const qa = Quantity.parse(String(a));
        const qb = Quantity.parse(`${b}`);
        expect(qa.compareTo(qb)).toBe(Math.sign(a - b));
        expect(qa.add(qb).compareTo(Quantity.parse(String(a + b)))).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('authorizer', () => {
  it('compiles the authorizer library, and every call says it needs a live API server', () => {
    const expr = "authorizer.serviceAccount('ns', 'sa').group('apps').resource('deployments').namespace('ns').check('create').allowed()";
    expect(env.check(expr).valid).toBe(true);
    expect(env.check('authorizer.requestResource.check("get").reason()').valid).toBe(true);
  });
});
