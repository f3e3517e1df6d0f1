/**
 * Python package versions, PEP 440. The grammar is the one of
 * `@renovatebot/pep440` (itself the `packaging` reference pattern):
 * `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]` with every spelling and
 * separator PEP 440 normalises (`alpha`, `c`, `pre`, `preview`, `rev`, `r`,
 * `1.0-1`, `-`, `_`, `.`, a leading `v`, any case, surrounding whitespace).
 * The order is PEP 440's; numbers are compared as digit strings, so that no
 * segment (date stamps, long builds) loses precision.
 */
import pep440Grammar from '@renovatebot/pep440/lib/version.js';
import { VersionError } from './errors.js';
import { compareDigits, compareStrings, stripZeros } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

const VERSION_RE = new RegExp(`^\\s*${pep440Grammar.VERSION_PATTERN}\\s*$`, 'i');

/** Pre-release kinds in order; a missing pre-release sorts as described in `Pep440Version.pre`. */
const PRE_RANK: Readonly<Record<string, number>> = {
  a: 0,
  alpha: 0,
  b: 1,
  beta: 1,
  c: 2,
  rc: 2,
  pre: 2,
  preview: 2,
};

export interface Pep440Version {
  epoch: string;
  /** Release numbers with trailing zeros removed (1.0.0 is 1). */
  release: string[];
  pre: { rank: number; n: string } | null;
  post: string | null;
  dev: string | null;
  /** Local segments, lower-cased; numbers where all digits. */
  local: string[] | null;
}

export function parsePep440(v: string): Pep440Version | null {
  if (!withinBounds(v)) return null;
  const m = VERSION_RE.exec(v);
  const g = m?.groups;
  if (!g || g.release === undefined) return null;
  const release = g.release.split('.').map(stripZeros);
  while (release.length > 0 && release[release.length - 1] === '') release.pop();
  const preLabel = g.pre_l?.toLowerCase();
  return {
    epoch: g.epoch ?? '0',
    release,
    pre: preLabel === undefined ? null : { rank: PRE_RANK[preLabel] ?? 0, n: g.pre_n ?? '0' },
    post: g.post_n1 ?? (g.post_l !== undefined ? (g.post_n2 ?? '0') : null),
    dev: g.dev_l !== undefined ? (g.dev_n ?? '0') : null,
    local: g.local === undefined ? null : g.local.toLowerCase().split(/[-_.]/),
  };
}

function compareReleases(a: string[], b: string[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (r !== 0) return r;
  }
  return 0;
}

/** PEP 440 sorts `1.0.dev0` before `1.0a1`: a dev release of a final release comes before its pre-releases. */
function preKey(v: Pep440Version): { rank: number; n: string } {
  if (v.pre) return v.pre;
  if (v.post === null && v.dev !== null) return { rank: -1, n: '0' };
  return { rank: 3, n: '0' };
}

const isNumeric = (s: string) => /^[0-9]+$/.test(s);

function compareLocal(a: string[] | null, b: string[] | null): Ordering {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    // Alphanumeric segments sort before numeric ones.
    const r = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : compareStrings(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** A missing number sorts below every number (post) or above every number (dev). */
function compareOptional(a: string | null, b: string | null, missing: Ordering): Ordering {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null ? missing : -missing) as Ordering;
  }
  return compareDigits(a, b);
}

export function comparePep440(a: Pep440Version, b: Pep440Version): Ordering {
  const pa = preKey(a);
  const pb = preKey(b);
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareReleases(a.release, b.release) ||
    (pa.rank !== pb.rank ? (pa.rank < pb.rank ? -1 : 1) : compareDigits(pa.n, pb.n)) ||
    compareOptional(a.post, b.post, -1) ||
    compareOptional(a.dev, b.dev, 1) ||
    compareLocal(a.local, b.local)
  );
}

function parseOrThrow(v: string): Pep440Version {
  const parsed = parsePep440(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'pep440', String(v));
  return parsed;
}

export const pep440: VersionScheme = {
  name: 'pep440',
  isValid: (v) => parsePep440(v) !== null,
  compare: (a, b) => comparePep440(parseOrThrow(a), parseOrThrow(b)),
};
