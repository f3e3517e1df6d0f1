/**
 * Small comparison helpers shared by the schemes. Numbers are compared as
 * digit strings so that no version component ever loses precision, however
 * long (date stamps, build numbers, hashes that happen to be all digits).
 */
import type { Ordering } from './scheme.js';

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isAsciiAlpha(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Digits without leading zeros; '' for zero. */
export function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length && digits.charCodeAt(i) === 48) i++;
  return digits.slice(i);
}

/** Numeric order of two ASCII digit strings of any length, leading zeros ignored. */
export function compareDigits(a: string, b: string): Ordering {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Ordinal (code unit) order, what C's strcmp/memcmp and Java's compareTo give on ASCII. */
export function compareStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}
