/**
 * Kubernetes resource quantities (`500m`, `1Gi`, `1e3`) for the CEL
 * `quantity()` library, with exact rational arithmetic: a value is
 * numerator/denominator in BigInt, so `1Gi` and `1073741824` compare equal
 * and `0.1 + 0.2` is exact.
 */

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const MAX_EXPONENT = 1000;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
};

export class Quantity {
  readonly num: bigint;
  readonly den: bigint;
  readonly text: string;

  constructor(num: bigint, den: bigint, text?: string) {
    if (den < 0n) [num, den] = [-num, -den];
    const g = gcd(num, den) || 1n;
    this.num = num / g;
    this.den = den / g;
    this.text = text ?? (this.den === 1n ? String(this.num) : `${this.num}/${this.den}`);
  }

  static parse(text: string): Quantity {
    const q = Quantity.tryParse(text);
    if (!q) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got "${text.slice(0, 64)}")`);
    return q;
  }

  static tryParse(text: string): Quantity | undefined {
    const m = QUANTITY.exec(text);
    if (!m) return undefined;
    const [, sign, digits, suffix = ''] = m;
    const [whole, frac = ''] = digits!.split('.');
    let num = BigInt(`${whole || '0'}${frac}`) * (sign === '-' ? -1n : 1n);
    let den = 10n ** BigInt(frac.length);
    if (suffix in BINARY) num *= BINARY[suffix]!;
    else {
      const exp = suffix in DECIMAL ? DECIMAL[suffix]! : Number(suffix.slice(1));
      if (Math.abs(exp) > MAX_EXPONENT) return undefined;
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den *= 10n ** BigInt(-exp);
    }
    return new Quantity(num, den, text);
  }

  compareTo(other: Quantity): number {
    const l = this.num * other.den;
    const r = other.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.num * other.den - other.num * this.den, this.den * other.den);
  }

  sign(): number {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  isInteger(): boolean {
    return this.den === 1n && this.num <= INT64_MAX && this.num >= INT64_MIN;
  }

  asInteger(): bigint {
    if (!this.isInteger()) throw new Error('cannot convert value to integer');
    return this.num;
  }

  asApproximateFloat(): number {
    return Number(this.num) / Number(this.den);
  }

  toString(): string {
    return this.text;
  }
}
