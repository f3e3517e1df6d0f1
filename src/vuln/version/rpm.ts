/**
 * RPM versions, `[epoch:]version[-release]`, ordered as rpm >= 4.15 orders
 * them: epochs numerically (missing = 0), then version and release by
 * rpmvercmp. rpmvercmp walks alternating alphabetic and numeric segments
 * (anything else only separates them); numbers beat letters, `~` sorts before
 * everything including the end, `^` after the end but before anything else.
 */
import { VersionError } from './errors.js';
import { compareDigits, compareStrings, isAsciiAlpha, isAsciiDigit } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

export interface RpmVersion {
  /** Digits; '0' when absent. */
  epoch: string;
  version: string;
  /** null when there is no `-release`. */
  release: string | null;
}

// Segment kinds in rpmvercmp's order at the first difference: a tilde is
// older than the end of the string, a caret newer than the end but older
// than any further segment, letters older than digits.
const TILDE = 0;
const END = 1;
const CARET = 2;
const ALPHA = 3;
const NUM = 4;

interface Segment {
  kind: number;
  text: string;
}

/** Characters rpmbuild accepts in a version or release. */
const PART_CHARS = /^[A-Za-z0-9._+~^]+$/;

export function parseRpmVersion(input: string): RpmVersion | null {
  if (!withinBounds(input)) return null;
  // As rpm's parseEVR: leading digits followed by ':' are the epoch, the
  // release starts after the last '-'.
  let i = 0;
  while (i < input.length && isAsciiDigit(input.charCodeAt(i))) i++;
  let epoch = '0';
  let rest = input;
  if (input[i] === ':') {
    epoch = i === 0 ? '0' : input.slice(0, i);
    rest = input.slice(i + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const release = hyphen >= 0 ? rest.slice(hyphen + 1) : null;
  if (!PART_CHARS.test(version)) return null;
  if (release !== null && !PART_CHARS.test(release)) return null;
  return { epoch, version, release };
}

function segments(s: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 126 /* ~ */) {
      out.push({ kind: TILDE, text: '~' });
      i++;
    } else if (c === 94 /* ^ */) {
      out.push({ kind: CARET, text: '^' });
      i++;
    } else if (isAsciiDigit(c)) {
      const start = i;
      while (i < s.length && isAsciiDigit(s.charCodeAt(i))) i++;
      out.push({ kind: NUM, text: s.slice(start, i) });
    } else if (isAsciiAlpha(c)) {
      const start = i;
      while (i < s.length && isAsciiAlpha(s.charCodeAt(i))) i++;
      out.push({ kind: ALPHA, text: s.slice(start, i) });
    } else {
      i++; // a separator: only ends the segment before it
    }
  }
  return out;
}

const END_SEGMENT: Segment = { kind: END, text: '' };

/** rpmvercmp: the comparison of two version (or two release) strings. */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  const x = segments(a);
  const y = segments(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const s = x[i] ?? END_SEGMENT;
    const t = y[i] ?? END_SEGMENT;
    if (s.kind !== t.kind) return s.kind < t.kind ? -1 : 1;
    const r = s.kind === NUM ? compareDigits(s.text, t.text) : compareStrings(s.text, t.text);
    if (r !== 0) return r;
  }
  return 0;
}

/**
 * rpm itself skips the release when either side lacks one (a dependency on
 * `foo >= 1.0` matches every release of 1.0). That is not an order, so here a
 * version without release sorts before every release of the same version.
 */
export function compareRpmVersions(a: RpmVersion, b: RpmVersion): Ordering {
  const e = compareDigits(a.epoch, b.epoch);
  if (e !== 0) return e;
  const v = rpmvercmp(a.version, b.version);
  if (v !== 0) return v;
  if (a.release === null || b.release === null) {
    return a.release === b.release ? 0 : a.release === null ? -1 : 1;
  }
  return rpmvercmp(a.release, b.release);
}

function parseOrThrow(v: string): RpmVersion {
  const parsed = parseRpmVersion(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'rpm', String(v));
  return parsed;
}

export const rpm: VersionScheme = {
  name: 'rpm',
  isValid: (v) => parseRpmVersion(v) !== null,
  compare: (a, b) => compareRpmVersions(parseOrThrow(a), parseOrThrow(b)),
};
