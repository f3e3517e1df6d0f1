/**
 * OSV ecosystems: the base names the OSV bucket uses as folder names, and the
 * split of an affected entry's ecosystem (`Debian:12`, `Ubuntu:22.04:LTS`)
 * into that base and its release suffix.
 */

/** Ecosystems `bulkhead db update` downloads unless told otherwise. */
export const DEFAULT_ECOSYSTEMS: readonly string[] = [
  'Debian',
  'Ubuntu',
  'Alpine',
  'AlmaLinux',
  'Rocky Linux',
  'Red Hat',
  'Wolfi',
  'Chainguard',
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'Packagist',
  'NuGet',
];

/** The OSV bucket itself; `--db-repository` replaces it with a mirror of the same layout. */
export const DEFAULT_REPOSITORY = 'https://osv-vulnerabilities.storage.googleapis.com';

/**
 * Packageless entries (only GIT ranges) are filed under this ecosystem, as the
 * OSV bucket does, with the repository URL as their name.
 */
export const GIT_ECOSYSTEM = 'GIT';

export interface EcosystemParts {
  /** Text before the first `:` (`Debian`). */
  base: string;
  /** Text after the first `:` (`12`, `22.04:LTS`, `v3.20`), '' when there is none. */
  release: string;
}

export function splitEcosystem(ecosystem: string): EcosystemParts {
  const colon = ecosystem.indexOf(':');
  if (colon < 0) return { base: ecosystem, release: '' };
  return { base: ecosystem.slice(0, colon), release: ecosystem.slice(colon + 1) };
}

/**
 * A base ecosystem name safe to use as one path segment of a bucket URL: the
 * real ones are letters, digits, spaces, dots and dashes.
 */
export function isValidEcosystemName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(name) && !name.includes('..');
}
