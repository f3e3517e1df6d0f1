/**
 * Alpine package versions, ordered as apk-tools (2.14 and 3.x) orders them:
 * `digits{.digits}[letter]{_suffix[digits]}[~hexhash][-rN]`.
 * Pre-release suffixes (`_alpha`, `_beta`, `_pre`, `_rc`) sort before the
 * plain release, post-release ones (`_cvs`, `_svn`, `_git`, `_hg`, `_p`)
 * after it; a component with a leading zero compares as a string (the Gentoo
 * rule apk follows), any other as a number.
 */
import { VersionError } from './errors.js';
import { compareDigits, compareStrings } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

// Token kinds in apk-tools' order: a version may only move forward through
// them, and when two versions diverge in kind the order decides.
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;

/** Suffix weights; NONE (the plain release) is the pivot. */
const SUFFIX_NONE = 5;
const SUFFIX_WEIGHT: ReadonlyMap<string, number> = new Map([
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['rc', 4],
  ['cvs', 6],
  ['svn', 7],
  ['git', 8],
  ['hg', 9],
  ['p', 10],
]);

interface Token {
  kind: number;
  text: string;
  /** Suffix weight for SUFFIX tokens. */
  weight: number;
}

export type ApkVersion = readonly Token[];

function span(s: string, from: number, accept: (code: number) => boolean): number {
  let i = from;
  while (i < s.length && accept(s.charCodeAt(i))) i++;
  return i;
}
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** Tokens of a version apk-tools would accept, or null. */
export function parseApkVersion(v: string): ApkVersion | null {
  if (!withinBounds(v)) return null;
  const tokens: Token[] = [];
  let pos = span(v, 0, isDigit);
  if (pos === 0) return null;
  tokens.push({ kind: INITIAL_DIGIT, text: v.slice(0, pos), weight: 0 });
  let prev = INITIAL_DIGIT;

  while (pos < v.length) {
    const c = v.charCodeAt(pos);
    let kind: number;
    let start: number;
    let weight = 0;
    if (isLower(c)) {
      if (prev > DIGIT) return null;
      kind = LETTER;
      start = pos;
      pos++;
    } else if (c === 46 /* . */) {
      if (prev > DIGIT) return null;
      kind = DIGIT;
      start = pos + 1;
      pos = span(v, start, isDigit);
      if (pos === start) return null;
    } else if (isDigit(c)) {
      // Only a suffix can be followed by a number directly: digits after
      // digits were consumed above, and a letter ends the numeric part.
      if (prev !== SUFFIX) return null;
      kind = SUFFIX_NO;
      start = pos;
      pos = span(v, pos, isDigit);
    } else if (c === 95 /* _ */) {
      if (prev > SUFFIX_NO) return null;
      kind = SUFFIX;
      start = pos + 1;
      pos = span(v, start, isLower);
      const w = SUFFIX_WEIGHT.get(v.slice(start, pos));
      if (w === undefined) return null;
      weight = w;
    } else if (c === 126 /* ~ */) {
      if (prev >= COMMIT_HASH) return null;
      kind = COMMIT_HASH;
      start = pos + 1;
      pos = span(v, start, isHex);
      if (pos === start) return null;
    } else if (c === 45 /* - */) {
      if (prev >= REVISION_NO || v.charCodeAt(pos + 1) !== 114 /* r */) return null;
      kind = REVISION_NO;
      start = pos + 2;
      pos = span(v, start, isDigit);
      if (pos === start) return null;
    } else {
      return null;
    }
    tokens.push({ kind, text: v.slice(start, pos), weight });
    prev = kind;
  }
  return tokens;
}

function compareTokens(a: Token, b: Token): Ordering {
  switch (a.kind) {
    case DIGIT:
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareStrings(a.text, b.text);
      return compareDigits(a.text, b.text);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareDigits(a.text, b.text);
    case LETTER:
      return compareStrings(a.text, b.text);
    case SUFFIX:
      return a.weight < b.weight ? -1 : a.weight > b.weight ? 1 : 0;
    default:
      return compareStrings(a.text, b.text);
  }
}

const END_TOKEN: Token = { kind: END, text: '', weight: 0 };

export function compareApkVersions(a: ApkVersion, b: ApkVersion): Ordering {
  let i = 0;
  for (;;) {
    const ta = a[i] ?? END_TOKEN;
    const tb = b[i] ?? END_TOKEN;
    if (ta.kind !== tb.kind || ta.kind === END) {
      if (ta.kind === tb.kind) return 0;
      // Where the two part ways, a pre-release suffix sorts lowest; otherwise
      // the version that goes on with an earlier kind of token is the newer.
      if (ta.kind === SUFFIX && ta.weight < SUFFIX_NONE) return -1;
      if (tb.kind === SUFFIX && tb.weight < SUFFIX_NONE) return 1;
      return ta.kind > tb.kind ? -1 : 1;
    }
    const r = compareTokens(ta, tb);
    if (r !== 0) return r;
    i++;
  }
}

function parseOrThrow(v: string): ApkVersion {
  const parsed = parseApkVersion(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'apk', String(v));
  return parsed;
}

export const apk: VersionScheme = {
  name: 'apk',
  isValid: (v) => parseApkVersion(v) !== null,
  compare: (a, b) => compareApkVersions(parseOrThrow(a), parseOrThrow(b)),
};
