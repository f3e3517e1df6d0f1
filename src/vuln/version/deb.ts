/**
 * Debian package versions, ordered as dpkg orders them:
 * `[epoch:]upstream_version[-debian_revision]`. The epoch compares as a
 * number; upstream version and revision each compare by dpkg's alternation of
 * non-digit runs (character by character: `~` before the end before letters
 * before everything else) and digit runs (numerically).
 */
import { VersionError } from './errors.js';
import { compareDigits, isAsciiAlpha, isAsciiDigit, sign } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

export interface DebVersion {
  /** Digits, no sign; '0' when absent. */
  epoch: number;
  upstream: string;
  /** '' when the version has no `-revision`. */
  revision: string;
}

/** dpkg stores epochs in an int. */
const MAX_EPOCH = 2147483647;
const C_SPACE = /[ \t\n\v\f\r]/;
const UPSTREAM_CHARS = /^[A-Za-z0-9.+~:-]+$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]*$/;

/** Parses as dpkg's parseversion does, rejecting what it rejects (errors and warnings alike). */
export function parseDebVersion(input: string): DebVersion | null {
  if (!withinBounds(input)) return null;
  const text = input.replace(/^[ \t\n\v\f\r]+/, '').replace(/[ \t\n\v\f\r]+$/, '');
  if (text === '' || C_SPACE.test(text)) return null;

  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const digits = text.slice(0, colon);
    if (!/^[0-9]+$/.test(digits) || compareDigits(digits, String(MAX_EPOCH)) > 0) return null;
    epoch = Number(digits);
    rest = text.slice(colon + 1);
    if (rest === '') return null;
  }

  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (upstream === '' || !isAsciiDigit(upstream.charCodeAt(0))) return null;
  if (!UPSTREAM_CHARS.test(upstream) || !REVISION_CHARS.test(revision)) return null;
  return { epoch, upstream, revision };
}

/** Weight of one character in a non-digit run; NaN (past the end) weighs 0 like a digit. */
function order(code: number): number {
  if (Number.isNaN(code) || isAsciiDigit(code)) return 0;
  if (isAsciiAlpha(code)) return code;
  if (code === 126 /* ~ */) return -1;
  return code + 256;
}

/** dpkg's comparison of one upstream version or revision string. */
export function compareDebPart(a: string, b: string): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isAsciiDigit(a.charCodeAt(i))) || (j < b.length && !isAsciiDigit(b.charCodeAt(j)))) {
      const ac = order(a.charCodeAt(i));
      const bc = order(b.charCodeAt(j));
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    const startA = i;
    const startB = j;
    while (i < a.length && isAsciiDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isAsciiDigit(b.charCodeAt(j))) j++;
    const r = compareDigits(a.slice(startA, i), b.slice(startB, j));
    if (r !== 0) return r;
  }
  return 0;
}

export function compareDebVersions(a: DebVersion, b: DebVersion): Ordering {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  return compareDebPart(a.upstream, b.upstream) || compareDebPart(a.revision, b.revision);
}

function parseOrThrow(v: string): DebVersion {
  const parsed = parseDebVersion(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'deb', String(v));
  return parsed;
}

export const deb: VersionScheme = {
  name: 'deb',
  isValid: (v) => parseDebVersion(v) !== null,
  compare: (a, b) => compareDebVersions(parseOrThrow(a), parseOrThrow(b)),
};
