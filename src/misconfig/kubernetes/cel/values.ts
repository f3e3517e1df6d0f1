/**
 * Kubernetes objects as CEL values. YAML/JSON numbers that are integers
 * become CEL ints (BigInt), like the API server's unstructured conversion
 * (int64); other numbers stay doubles. Keys are defined as own properties,
 * so a hostile `__proto__` key is just a key.
 */

export type CelValue = null | boolean | bigint | number | string | CelValue[] | { [key: string]: CelValue } | object;

export function toCel(value: unknown): CelValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
    case 'bigint':
      return value;
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(value)) return value.map(toCel);
  const out: Record<string, CelValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    Object.defineProperty(out, k, { value: toCel(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const converted = new WeakMap<object, CelValue>();

/** `toCel`, remembered per source object (objects are evaluated by many policies). */
export function toCelCached(value: object): CelValue {
  let v = converted.get(value);
  if (v === undefined) converted.set(value, (v = toCel(value)));
  return v;
}

/** CEL equality for the list functions: ints and doubles compare by value, lists and maps deeply. */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return compareNumbers(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (isPlainMap(a) && isPlainMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && celEquals(a[k], b[k]));
  }
  return false;
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Compare two CEL numbers exactly (bigint against double included). */
export function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Order of two comparable CEL values (numbers, strings, booleans); throws for anything else. */
export function compareCel(a: unknown, b: unknown): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`no such overload: cannot compare ${typeName(a)} and ${typeName(b)}`);
}

export function typeName(v: unknown): string {
  if (v === null) return 'null_type';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v;
}
