/**
 * Composer (Packagist) versions, ordered the way Composer orders them: first
 * normalised by Composer's VersionParser (`v1.2` → `1.2.0.0`, `1.0.0RC1dev` →
 * `1.0.0.0-RC1-dev`, dates `2010-01-02` → `2010.01.02`, `1.x-dev` →
 * `1.9999999.9999999.9999999-dev`), then compared with PHP's
 * `version_compare`, whose special forms rank
 * dev < alpha = a < beta = b < RC = rc < (a number) < pl = p (patch).
 * Named branches (`dev-main`) have no order and are not valid here.
 */
import { VersionError } from './errors.js';
import { compareDigits, isAsciiDigit } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

// Composer's modifier: an optional stability with numbers, an optional dev
// flag. (Composer's `((?:[.-]?\d+)*+)` is written unambiguously here, since
// JavaScript has no possessive quantifier.)
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+(?:[.-]\\d+)*)?)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');
const BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;

/** PHP's trim(): space, tab, newline, carriage return, NUL and vertical tab. */
const PHP_BLANKS = new Set([' ', '\t', '\n', '\r', '\0', '\v']);
function phpTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PHP_BLANKS.has(s[start]!)) start++;
  while (end > start && PHP_BLANKS.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function expandStability(stability: string): string {
  const s = stability.toLowerCase();
  if (s === 'a') return 'alpha';
  if (s === 'b') return 'beta';
  if (s === 'p' || s === 'pl') return 'patch';
  if (s === 'rc') return 'RC';
  return s;
}

function normalizeBranch(name: string): string {
  const m = BRANCH.exec(phpTrim(name));
  if (!m) return `dev-${name}`;
  let version = '';
  for (let i = 1; i < 5; i++) version += m[i] !== undefined ? m[i]!.replace(/[*X]/g, 'x') : '.x';
  return `${version.replace(/x/g, '9999999')}-dev`;
}

/**
 * Composer's VersionParser::normalize: the normalised version, `dev-<name>`
 * for a branch, or null where Composer throws "Invalid version string".
 */
export function normalizeComposerVersion(input: string): string | null {
  if (!withinBounds(input)) return null;
  let version = phpTrim(input);

  const alias = /^([^,\t\n\v\f\r ]+) +as +([^,\t\n\v\f\r ]+)$/.exec(version);
  if (alias) version = alias[1]!;
  const flag = /@(?:stable|RC|beta|alpha|dev)$/i.exec(version);
  if (flag) version = version.slice(0, version.length - flag[0].length);
  if (version === 'master' || version === 'trunk' || version === 'default') version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-')) return `dev-${version.slice(4)}`;
  const build = /^([^,\t\n\v\f\r +]+)\+[^\t\n\v\f\r ]+$/.exec(version);
  if (build) version = build[1]!;

  let m = CLASSICAL.exec(version);
  let index: number;
  if (m) {
    version = m[1]! + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
    index = 5;
  } else {
    m = DATE.exec(version);
    if (m) {
      version = m[1]!.replace(/\D/g, '.');
      index = 2;
    } else {
      index = 0;
    }
  }
  if (m) {
    const stability = m[index];
    if (stability) {
      if (stability === 'stable') return version;
      const numbers = m[index + 1] ?? '';
      version += `-${expandStability(stability)}${numbers !== '' ? numbers.replace(/^[.-]+/, '') : ''}`;
    }
    if (m[index + 2]) version += '-dev';
    return version;
  }

  const dev = /^(.*?)[.-]?dev$/i.exec(version);
  if (dev) {
    const normalized = normalizeBranch(dev[1]!);
    if (!normalized.includes('dev-')) return normalized;
  }
  return null;
}

// PHP's version_compare.

/** version_compare's special forms, matched as prefixes in this order; anything else ranks -1. */
const SPECIAL_FORMS: ReadonlyArray<[string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialForm(form: string): number {
  for (const [name, rank] of SPECIAL_FORMS) if (form.startsWith(name)) return rank;
  return -1;
}

function compareSpecialForms(a: string, b: string): Ordering {
  const x = specialForm(a);
  const y = specialForm(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const isDigitAt = (s: string, i: number) => i < s.length && isAsciiDigit(s.charCodeAt(i));
const isAlnum = (c: string) => /^[0-9A-Za-z]$/.test(c);

/**
 * php_canonicalize_version: `-`, `_` and `+` become `.`, a `.` goes between
 * digits and non-digits, and no symbol follows a `.` directly.
 */
export function phpCanonicalizeVersion(version: string): string {
  if (version === '') return '';
  const isDig = (c: string) => isAsciiDigit(c.charCodeAt(0));
  const isNdig = (c: string) => !isDig(c) && c !== '.';
  let out = version[0]!;
  let lp = version[0]!;
  for (let i = 1; i < version.length; i++) {
    const p = version[i]!;
    const last = out[out.length - 1];
    if (p === '-' || p === '_' || p === '+') {
      if (last !== '.') out += '.';
    } else if ((isNdig(lp) && isDig(p)) || (isDig(lp) && isNdig(p))) {
      if (last !== '.') out += '.';
      out += p;
    } else if (!isAlnum(p)) {
      if (last !== '.') out += p;
    } else {
      out += p;
    }
    lp = p;
  }
  return out;
}

/** PHP's version_compare(a, b); numbers compare exactly instead of as C longs. */
export function phpVersionCompare(a: string, b: string): Ordering {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  const v1 = a.startsWith('#') ? a : phpCanonicalizeVersion(a);
  const v2 = b.startsWith('#') ? b : phpCanonicalizeVersion(b);
  let p1 = 0;
  let p2 = 0;
  let more1 = true;
  let more2 = true;
  let compare: Ordering = 0;
  while (p1 < v1.length && p2 < v2.length && more1 && more2) {
    const n1 = v1.indexOf('.', p1);
    const n2 = v2.indexOf('.', p2);
    more1 = n1 >= 0;
    more2 = n2 >= 0;
    const part1 = v1.slice(p1, more1 ? n1 : undefined);
    const part2 = v2.slice(p2, more2 ? n2 : undefined);
    const d1 = isDigitAt(part1, 0);
    const d2 = isDigitAt(part2, 0);
    if (d1 && d2) compare = compareDigits(/^[0-9]*/.exec(part1)![0], /^[0-9]*/.exec(part2)![0]);
    else if (!d1 && !d2) compare = compareSpecialForms(part1, part2);
    else compare = d1 ? compareSpecialForms('#N#', part2) : compareSpecialForms(part1, '#N#');
    if (compare !== 0) break;
    if (more1) p1 = n1 + 1;
    if (more2) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (more1) compare = isDigitAt(v1, p1) ? 1 : phpVersionCompare(v1.slice(p1), '#N#');
    else if (more2) compare = isDigitAt(v2, p2) ? -1 : phpVersionCompare('#N#', v2.slice(p2));
  }
  return compare;
}

function normalizeOrThrow(v: string): string {
  const normalized = normalizeComposerVersion(v);
  if (normalized === null || normalized.startsWith('dev-')) {
    throw new VersionError('INVALID_VERSION', 'packagist', String(v));
  }
  return normalized;
}

export const packagist: VersionScheme = {
  name: 'packagist',
  isValid: (v) => {
    const normalized = normalizeComposerVersion(v);
    return normalized !== null && !normalized.startsWith('dev-');
  },
  compare: (a, b) => phpVersionCompare(normalizeOrThrow(a), normalizeOrThrow(b)),
};
