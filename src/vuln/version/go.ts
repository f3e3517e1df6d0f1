/**
 * Go module versions, ordered as golang.org/x/mod/semver orders them:
 * `vMAJOR[.MINOR[.PATCH[-prerelease][+build]]]`, the shorthands `v1` and
 * `v1.2` meaning `v1.0.0` and `v1.2.0`. Build metadata (including
 * `+incompatible`) does not take part in ordering, and pseudo-versions
 * (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`,
 * `v1.2.3-pre.0.20191109021931-daa7c04131f5`) sort as the prereleases they
 * are. The leading `v` is optional because OSV's Go ranges (type SEMVER)
 * drop it, including the `0` that opens a range.
 */
import { VersionError } from './errors.js';
import { compareDigits, compareStrings } from './digits.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

export interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated prerelease identifiers; empty for a release. */
  prerelease: string[];
}

const NUM = '(0|[1-9][0-9]*)';
const IDENT = '[0-9A-Za-z-]+';
const GO_VERSION = new RegExp(
  `^v?${NUM}(?:\\.${NUM}(?:\\.${NUM}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+${IDENT}(?:\\.${IDENT})*)?)?)?$`,
);

export function parseGoVersion(v: string): GoVersion | null {
  if (!withinBounds(v)) return null;
  const m = GO_VERSION.exec(v);
  if (!m) return null;
  const prerelease = m[4] === undefined ? [] : m[4].split('.');
  // Numeric prerelease identifiers may not have leading zeros.
  if (prerelease.some((id) => /^0[0-9]+$/.test(id))) return null;
  return { major: m[1]!, minor: m[2] ?? '0', patch: m[3] ?? '0', prerelease };
}

const isNumeric = (id: string) => /^[0-9]+$/.test(id);

/** SemVer 2.0 precedence of two prerelease identifier lists (empty = release, highest). */
export function comparePrerelease(a: readonly string[], b: readonly string[]): Ordering {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xn = isNumeric(x);
    const yn = isNumeric(y);
    const r = xn && yn ? compareDigits(x, y) : xn !== yn ? (xn ? -1 : 1) : compareStrings(x, y);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareGoVersions(a: GoVersion, b: GoVersion): Ordering {
  return (
    compareDigits(a.major, b.major) ||
    compareDigits(a.minor, b.minor) ||
    compareDigits(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

function parseOrThrow(v: string): GoVersion {
  const parsed = parseGoVersion(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'go', String(v));
  return parsed;
}

export const go: VersionScheme = {
  name: 'go',
  isValid: (v) => parseGoVersion(v) !== null,
  compare: (a, b) => compareGoVersions(parseOrThrow(a), parseOrThrow(b)),
};
