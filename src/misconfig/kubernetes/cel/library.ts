/**
 * The CEL environment of ValidatingAdmissionPolicy expressions: the
 * admission variables, and the Kubernetes CEL libraries policies use most
 * that @marcbachmann/cel-js does not already provide.
 *
 * Provided by the library itself: size, has, all/exists/exists_one/map/filter,
 * cel.bind, optional types (`.?`, `orValue`), matches, contains, startsWith,
 * endsWith, lowerAscii, upperAscii, trim, indexOf/lastIndexOf and substring on
 * strings, split, join, timestamps and durations.
 *
 * Added here: strings charAt, replace, reverse; lists isSorted, sum, min, max,
 * indexOf, lastIndexOf, flatten, slice, reverse, distinct; regex find and
 * findAll; sets.contains/equivalent/intersects; url() and isURL(); quantity()
 * and isQuantity().
 *
 * Not provided: authorizer checks (they need a live API server: expressions
 * that use `authorizer` evaluate to an error), ip()/cidr(), semver(),
 * format(), strings.quote() and base64 ext functions.
 */
import { Environment } from '@marcbachmann/cel-js';
import { Quantity } from './quantity.js';
import { CelUrl } from './url.js';
import { celEquals, compareCel } from './values.js';

/** Variables every admission expression can use. */
export const ADMISSION_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer', 'variables'] as const;

class SetsNamespace {}

export const AUTHORIZER_UNSUPPORTED = 'authorizer checks need a live API server; Bulkhead cannot evaluate them offline';

/** The authorizer library's types, declared so expressions using them compile; every call fails with AUTHORIZER_UNSUPPORTED. */
export class Authorizer {}
class PathCheck {}
class GroupCheck {}
class ResourceCheck {}
class Decision {}
const unsupported = (): never => {
  throw new Error(AUTHORIZER_UNSUPPORTED);
};

const MAX_REGEX_SOURCE = 4096;
const regexCache = new Map<string, RegExp>();

/**
 * A JavaScript RegExp for an RE2 pattern. RE2 and JavaScript agree on the
 * common syntax; RE2's leading inline flags (`(?i)`, `(?s)`, `(?m)`) become
 * JavaScript flags.
 */
function regex(pattern: string, global = false): RegExp {
  if (pattern.length > MAX_REGEX_SOURCE) throw new Error('regular expression is too long');
  const key = `${global ? 'g' : ''}:${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    const inline = /^\(\?([ims]+)\)/.exec(pattern);
    const flags = `${global ? 'g' : ''}u${inline ? [...new Set(inline[1])].join('') : ''}`;
    try {
      re = new RegExp(inline ? pattern.slice(inline[0].length) : pattern, flags);
    } catch {
      throw new Error(`invalid regular expression: ${pattern.slice(0, 128)}`);
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

const int = (n: number) => BigInt(n);

function checkedIndex(i: bigint, length: number, what: string): number {
  if (i < 0n || i > BigInt(length)) throw new Error(`${what} index out of range: ${i}`);
  return Number(i);
}

function numericSum(list: unknown[]): unknown {
  if (!list.length) return 0n;
  if (list.every((x) => typeof x === 'bigint')) return (list as bigint[]).reduce((a, b) => a + b, 0n);
  if (list.every((x) => typeof x === 'number' || typeof x === 'bigint')) return list.reduce<number>((a, b) => a + Number(b), 0);
  throw new Error('no such overload: sum() needs a list of numbers');
}

function extreme(list: unknown[], sign: 1 | -1): unknown {
  if (!list.length) throw new Error(`${sign > 0 ? 'max' : 'min'}() called on an empty list`);
  return list.reduce((best, x) => (compareCel(x, best) * sign > 0 ? x : best));
}

/** A fresh environment with the admission variables and the Kubernetes library functions. */
export function createAdmissionEnvironment(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: false,
    homogeneousAggregateLiterals: true,
    enableOptionalTypes: true,
    limits: { maxAstNodes: 20000, maxDepth: 128 },
  });
  env.registerType('PathCheck', PathCheck);
  env.registerType('GroupCheck', GroupCheck);
  env.registerType('ResourceCheck', ResourceCheck);
  env.registerType('Decision', Decision);
  env.registerType('Authorizer', { ctor: Authorizer, fields: { requestResource: 'ResourceCheck' } });
  for (const name of ADMISSION_VARIABLES) env.registerVariable(name, name === 'authorizer' ? 'Authorizer' : 'dyn');
  for (const sig of [
    'Authorizer.path(string): PathCheck',
    'Authorizer.group(string): GroupCheck',
    'Authorizer.serviceAccount(string, string): Authorizer',
    'GroupCheck.resource(string): ResourceCheck',
    'ResourceCheck.subresource(string): ResourceCheck',
    'ResourceCheck.namespace(string): ResourceCheck',
    'ResourceCheck.name(string): ResourceCheck',
    'ResourceCheck.fieldSelector(string): ResourceCheck',
    'ResourceCheck.labelSelector(string): ResourceCheck',
    'ResourceCheck.check(string): Decision',
    'PathCheck.check(string): Decision',
    'Decision.allowed(): bool',
    'Decision.errored(): bool',
    'Decision.reason(): string',
    'Decision.error(): string',
  ]) {
    env.registerFunction(sig, unsupported);
  }

  // strings
  env.registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
    const chars = [...s];
    return chars[checkedIndex(i, chars.length, 'charAt')] ?? '';
  });
  env.registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
  env.registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    if (n < 0n) return s.split(a).join(b);
    const parts = s.split(a);
    const k = Number(n < BigInt(parts.length) ? n : BigInt(parts.length - 1));
    return parts.slice(0, k + 1).join(b) + (parts.length > k + 1 ? a + parts.slice(k + 1).join(a) : '');
  });
  env.registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));

  // regex
  env.registerFunction('string.find(string): string', (s: string, p: string) => regex(p).exec(s)?.[0] ?? '');
  env.registerFunction('string.findAll(string): list<string>', (s: string, p: string) => [...s.matchAll(regex(p, true))].map((m) => m[0]));
  env.registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) => {
    const all = [...s.matchAll(regex(p, true))].map((m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  });

  // lists
  env.registerFunction('list.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || compareCel(l[i - 1], x) <= 0));
  env.registerFunction('list.sum(): dyn', numericSum);
  env.registerFunction('list.max(): dyn', (l: unknown[]) => extreme(l, 1));
  env.registerFunction('list.min(): dyn', (l: unknown[]) => extreme(l, -1));
  env.registerFunction('list.indexOf(dyn): int', (l: unknown[], x: unknown) => int(l.findIndex((y) => celEquals(y, x))));
  env.registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], x: unknown) => {
    for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], x)) return int(i);
    return -1n;
  });
  env.registerFunction('list.flatten(): list', (l: unknown[]) => l.flatMap((x) => (Array.isArray(x) ? x : [x])));
  env.registerFunction('list.slice(int, int): list', (l: unknown[], a: bigint, b: bigint) => {
    const start = checkedIndex(a, l.length, 'slice');
    const end = checkedIndex(b, l.length, 'slice');
    if (start > end) throw new Error(`slice start ${a} is after end ${b}`);
    return l.slice(start, end);
  });
  env.registerFunction('list.reverse(): list', (l: unknown[]) => [...l].reverse());
  env.registerFunction('list.distinct(): list', (l: unknown[]) => l.filter((x, i) => l.findIndex((y) => celEquals(x, y)) === i));

  // sets
  env.registerType('SetsNamespace', SetsNamespace);
  env.registerConstant('sets', 'SetsNamespace', new SetsNamespace());
  env.registerFunction('SetsNamespace.contains(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => celEquals(x, y))));
  env.registerFunction('SetsNamespace.equivalent(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
    b.every((x) => a.some((y) => celEquals(x, y))) && a.every((x) => b.some((y) => celEquals(x, y))),
  );
  env.registerFunction('SetsNamespace.intersects(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) => b.some((x) => a.some((y) => celEquals(x, y))));

  // url
  env.registerType('URL', CelUrl);
  env.registerFunction('url(string): URL', (s: string) => CelUrl.parse(s));
  env.registerFunction('isURL(string): bool', (s: string) => CelUrl.tryParse(s) !== undefined);
  env.registerFunction('URL.getScheme(): string', (u: CelUrl) => u.scheme);
  env.registerFunction('URL.getHost(): string', (u: CelUrl) => u.host);
  env.registerFunction('URL.getHostname(): string', (u: CelUrl) => u.hostname);
  env.registerFunction('URL.getPort(): string', (u: CelUrl) => u.port);
  env.registerFunction('URL.getEscapedPath(): string', (u: CelUrl) => u.escapedPath);
  env.registerFunction('URL.getQuery(): map<string, list<string>>', (u: CelUrl) => u.query);

  // quantity
  env.registerType('Quantity', Quantity);
  env.registerFunction('quantity(string): Quantity', (s: string) => Quantity.parse(s));
  env.registerFunction('isQuantity(string): bool', (s: string) => Quantity.tryParse(s) !== undefined);
  env.registerFunction('Quantity.isInteger(): bool', (q: Quantity) => q.isInteger());
  env.registerFunction('Quantity.asInteger(): int', (q: Quantity) => q.asInteger());
  env.registerFunction('Quantity.asApproximateFloat(): double', (q: Quantity) => q.asApproximateFloat());
  env.registerFunction('Quantity.sign(): int', (q: Quantity) => int(q.sign()));
  env.registerFunction('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) => int(a.compareTo(b)));
  env.registerFunction('Quantity.isGreaterThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) > 0);
  env.registerFunction('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => a.compareTo(b) < 0);
  env.registerFunction('Quantity.add(Quantity): Quantity', (a: Quantity, b: Quantity) => a.add(b));
  env.registerFunction('Quantity.add(int): Quantity', (a: Quantity, b: bigint) => a.add(new Quantity(b, 1n)));
  env.registerFunction('Quantity.sub(Quantity): Quantity', (a: Quantity, b: Quantity) => a.sub(b));
  env.registerFunction('Quantity.sub(int): Quantity', (a: Quantity, b: bigint) => a.sub(new Quantity(b, 1n)));
  env.registerOperator('Quantity == Quantity', (a: Quantity, b: Quantity) => a.compareTo(b) === 0);

  return env;
}
