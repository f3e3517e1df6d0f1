/**
 * RubyGems versions, ordered as `Gem::Version#<=>`: dot-separated numbers and
 * letter runs; any segment with letters makes a prerelease (`1.0.a` < `1.0`),
 * trailing zeros do not count (`1.0` = `1`), and zeros just before the first
 * letters do not either (`1.0.0.a` = `1.a`). A hyphen follows RubyGems'
 * current rule: before a numeric identifier it reads as `.pre.`
 * (`1.0.0-1` = `1.0.0.pre.1`), before a lettered one as a dot
 * (`1.0.0-beta.1` = `1.0.0.beta.1`), and a `pre` right before letters is
 * dropped so the two spellings stay equal.
 * Surrounding whitespace is ignored; the empty version (which RubyGems reads
 * as `0`) is not accepted here.
 */
import { VersionError } from './errors.js';
import { compareDigits, compareStrings } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

/** Gem::Version::ANCHORED_VERSION_PATTERN (Ruby's \s is ASCII whitespace), with the version required. */
const GEM_VERSION = /^[ \t\r\n\f\v]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)[ \t\r\n\f\v]*$/;

/** A canonical segment: a number (digits, no leading zeros; '' is 0) or a letter run. */
type Segment = { num: string } | { str: string };

function normalizeHyphens(version: string): string {
  if (!version.includes('-')) return version;
  return version
    .split('-')
    .map((part, i) => {
      if (i === 0) return part;
      const first = /^[^.]+/.exec(part)?.[0];
      return first !== undefined && /[a-zA-Z]/.test(first) ? part : `pre.${part}`;
    })
    .join('.');
}

function partition(version: string): Segment[] {
  const out: Segment[] = [];
  for (const [s] of version.matchAll(/[0-9]+|[a-zA-Z]+/g)) {
    out.push(/^[0-9]/.test(s) ? { num: s.replace(/^0+/, '') } : { str: s });
  }
  return out;
}

export function parseGemVersion(v: string): Segment[] | null {
  if (!withinBounds(v)) return null;
  const m = GEM_VERSION.exec(v);
  if (!m) return null;
  const version = normalizeHyphens(m[1]!);
  // Trailing zero segments go, anchored on a dot or a letter; in a
  // prerelease, so do the zero segments right before the first letters.
  let canonical = version.replace(/(?<=[a-zA-Z.])[.0]+$/, '');
  if (/[a-zA-Z]/.test(version)) canonical = canonical.replace(/(?<=\.|^)[0.]+(?=[a-zA-Z])/, '');
  const segments = partition(canonical);
  // Skip a redundant "pre" right before a letter segment.
  return segments.filter((s, i) => !('str' in s && s.str === 'pre' && i + 1 < segments.length && 'str' in segments[i + 1]!));
}

const isZero = (s: Segment) => 'num' in s && s.num === '';

export function compareGemSegments(a: Segment[], b: Segment[]): Ordering {
  const limit = Math.min(a.length, b.length);
  for (let i = 0; i < limit; i++) {
    const l = a[i]!;
    const r = b[i]!;
    if ('num' in l && 'num' in r) {
      const c = compareDigits(l.num, r.num);
      if (c !== 0) return c;
    } else if ('str' in l && 'str' in r) {
      const c = compareStrings(l.str, r.str);
      if (c !== 0) return c;
    } else {
      return 'str' in l ? -1 : 1; // letters sort before numbers
    }
  }
  // The longer one is newer by a non-zero number, older by letters (a prerelease).
  const [rest, sign] = a.length > b.length ? [a.slice(limit), 1] : [b.slice(limit), -1];
  for (const s of rest) {
    if ('str' in s) return (-sign) as Ordering;
    if (!isZero(s)) return sign as Ordering;
  }
  return 0;
}

function parseOrThrow(v: string): Segment[] {
  const parsed = parseGemVersion(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'gem', String(v));
  return parsed;
}

export const gem: VersionScheme = {
  name: 'gem',
  isValid: (v) => parseGemVersion(v) !== null,
  compare: (a, b) => compareGemSegments(parseOrThrow(a), parseOrThrow(b)),
};
