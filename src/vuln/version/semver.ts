/**
 * SemVer 2.0 as npm orders it, through npm's own `semver` package with loose
 * parsing off. What `semver.parse` accepts is accepted: surrounding
 * whitespace and one leading `v` (`v1.2.3`), as npm itself does for
 * package.json versions; the loose-only forms (`=1.2.3`, `1.2.3beta`, leading
 * zeros) are not. Build metadata is ignored for ordering.
 */
import semverLib from 'semver';
import { VersionError } from './errors.js';
import { type Ordering, type VersionScheme, withinBounds } from './scheme.js';

const STRICT = { loose: false } as const;

function parse(v: string): semverLib.SemVer | null {
  if (!withinBounds(v)) return null;
  return semverLib.parse(v, STRICT);
}

function parseOrThrow(v: string): semverLib.SemVer {
  const parsed = parse(v);
  if (!parsed) throw new VersionError('INVALID_VERSION', 'semver', String(v));
  return parsed;
}

export const semver: VersionScheme = {
  name: 'semver',
  isValid: (v) => parse(v) !== null,
  compare: (a, b) => parseOrThrow(a).compare(parseOrThrow(b)) as Ordering,
};
