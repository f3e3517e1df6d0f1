/**
 * Version schemes: the exact order of each ecosystem's versions, the base of
 * vulnerability matching. One scheme per file, all listed here.
 */
import { apk } from './apk.js';
import { deb } from './deb.js';
import { VersionError } from './errors.js';
import { gem } from './gem.js';
import { go } from './go.js';
import { maven } from './maven.js';
import { nuget } from './nuget.js';
import { packagist } from './packagist.js';
import { pep440 } from './pep440.js';
import { rpm } from './rpm.js';
import type { Ordering, VersionScheme, VersionSchemeName } from './scheme.js';
import { semver } from './semver.js';

export type { Ordering, VersionScheme, VersionSchemeName } from './scheme.js';
export { MAX_VERSION_LENGTH } from './scheme.js';
export { VersionError, isVersionError, type VersionErrorCode } from './errors.js';

export const VERSION_SCHEMES: readonly VersionScheme[] = [deb, apk, rpm, semver, pep440, maven, go, gem, nuget, packagist];

const BY_NAME: ReadonlyMap<string, VersionScheme> = new Map(VERSION_SCHEMES.map((s) => [s.name, s]));

export function getVersionScheme(name: string): VersionScheme | undefined {
  return BY_NAME.get(name);
}

/** True when `version` is valid in `scheme`; false for garbage and for an unknown scheme. Never throws. */
export function isValidVersion(scheme: VersionSchemeName, version: string): boolean {
  const s = BY_NAME.get(scheme);
  if (!s) return false;
  try {
    return s.isValid(version);
  } catch {
    return false;
  }
}

/** Orders two versions of one scheme; throws `VersionError` for an invalid version or an unknown scheme. */
export function compareVersions(scheme: VersionSchemeName, a: string, b: string): Ordering {
  const s = BY_NAME.get(scheme);
  if (!s) throw new VersionError('UNKNOWN_SCHEME', String(scheme), '');
  return s.compare(a, b);
}

/**
 * The scheme of an OSV ecosystem (`Debian:12`, `Alpine:v3.20`, `PyPI`), by its
 * base name; undefined for ecosystems without one here.
 */
const SCHEME_OF_ECOSYSTEM: Readonly<Record<string, VersionSchemeName>> = {
  Debian: 'deb',
  Ubuntu: 'deb',
  Alpine: 'apk',
  Wolfi: 'apk',
  Chainguard: 'apk',
  AlmaLinux: 'rpm',
  'Rocky Linux': 'rpm',
  'Red Hat': 'rpm',
  openSUSE: 'rpm',
  SUSE: 'rpm',
  Mageia: 'rpm',
  npm: 'semver',
  'crates.io': 'semver',
  Bitnami: 'semver',
  PyPI: 'pep440',
  Maven: 'maven',
  Go: 'go',
  RubyGems: 'gem',
  NuGet: 'nuget',
  Packagist: 'packagist',
};

export function schemeForEcosystem(ecosystem: string): VersionSchemeName | undefined {
  const colon = ecosystem.indexOf(':');
  const base = colon < 0 ? ecosystem : ecosystem.slice(0, colon);
  return Object.hasOwn(SCHEME_OF_ECOSYSTEM, base) ? SCHEME_OF_ECOSYSTEM[base] : undefined;
}
