/**
 * The contract every version scheme fulfils. A scheme is the exact ordering an
 * ecosystem's own tool uses (dpkg, apk-tools, rpm, npm's semver, pip, Maven,
 * the go command, RubyGems, NuGet, Composer): vulnerability matching is only
 * as right as this order.
 */

export type VersionSchemeName =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'semver'
  | 'pep440'
  | 'maven'
  | 'go'
  | 'gem'
  | 'nuget'
  | 'packagist';

export type Ordering = -1 | 0 | 1;

export interface VersionScheme {
  readonly name: VersionSchemeName;
  /** True when the ecosystem's own parser accepts `version`. Never throws. */
  isValid(version: string): boolean;
  /**
   * Total order: -1 when `a` sorts before `b`, 0 when they are the same
   * version (possibly spelled differently), 1 when after. Throws a
   * `VersionError` when either side is not valid for the scheme.
   */
  compare(a: string, b: string): Ordering;
}

/**
 * Longer strings are never versions: no ecosystem publishes one, and the bound
 * keeps every parser linear in practice (the same limit Maven and npm apply).
 */
export const MAX_VERSION_LENGTH = 256;

/** Shared guard: a string of sane length. */
export function withinBounds(version: unknown): version is string {
  return typeof version === 'string' && version.length > 0 && version.length <= MAX_VERSION_LENGTH;
}
