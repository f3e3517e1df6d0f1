/**
 * NuGet package versions, ordered as NuGet.Versioning's default comparer:
 * SemVer 2.0 extended to a fourth number (`1.0.0.0` = `1.0.0`, `1` = `1.0.0`,
 * leading zeros allowed in the numbers as in legacy packages), release labels
 * compared case-insensitively (numeric labels as numbers when they fit an
 * int, as NuGet parses them), build metadata ignored.
 */
import { VersionError } from './errors.js';
import { compareDigits, compareStrings } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

export interface NuGetVersion {
  /** Major, minor, patch, revision: digits without leading zeros. */
  numbers: [string, string, string, string];
  labels: string[];
}

const INT_MAX = '2147483647';
const LABEL = /^[0-9A-Za-z-]+$/;

function parseNumber(s: string): string | null {
  if (!/^[0-9]+$/.test(s)) return null;
  const digits = s.replace(/^0+/, '');
  return compareDigits(digits, INT_MAX) > 0 ? null : digits;
}

export function parseNuGetVersion(v: string): NuGetVersion | null {
  if (!withinBounds(v)) return null;
  const plus = v.indexOf('+');
  const main = plus >= 0 ? v.slice(0, plus) : v;
  if (plus >= 0) {
    const metadata = v.slice(plus + 1).split('.');
    if (!metadata.every((part) => LABEL.test(part))) return null;
  }
  const dash = main.indexOf('-');
  const core = dash >= 0 ? main.slice(0, dash) : main;
  const labels = dash >= 0 ? main.slice(dash + 1).split('.') : [];
  // Labels: non-empty, SemVer characters, no leading zero on a numeric one.
  if (!labels.every((l) => LABEL.test(l) && !/^0[0-9]+$/.test(l))) return null;
  const parts = core.split('.');
  if (parts.length > 4) return null;
  const numbers: string[] = [];
  for (const part of parts) {
    const n = parseNumber(part);
    if (n === null) return null;
    numbers.push(n);
  }
  while (numbers.length < 4) numbers.push('');
  return { numbers: numbers as NuGetVersion['numbers'], labels };
}

/** A label NuGet reads as an int (int.TryParse: an optional sign, digits, in range). */
function asInt(label: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(label)) return null;
  const n = Number(label);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

function compareLabel(a: string, b: string): Ordering {
  const x = asInt(a);
  const y = asInt(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  if (x !== null || y !== null) return x !== null ? -1 : 1;
  // StringComparer.OrdinalIgnoreCase compares upper-cased code units.
  return compareStrings(a.toUpperCase(), b.toUpperCase());
}

export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): Ordering {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.numbers[i]!, b.numbers[i]!);
    if (r !== 0) return r;
  }
  if (a.labels.length === 0 || b.labels.length === 0) {
    return a.labels.length === b.labels.length ? 0 : a.labels.length === 0 ? 1 : -1;
  }
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const r = compareLabel(a.labels[i]!, b.labels[i]!);
    if (r !== 0) return r;
  }
  return a.labels.length === b.labels.length ? 0 : a.labels.length < b.labels.length ? -1 : 1;
}

function parseOrThrow(v: string): NuGetVersion {
  const parsed = parseNuGetVersion(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'nuget', String(v));
  return parsed;
}

export const nuget: VersionScheme = {
  name: 'nuget',
  isValid: (v) => parseNuGetVersion(v) !== null,
  compare: (a, b) => compareNuGetVersions(parseOrThrow(a), parseOrThrow(b)),
};
