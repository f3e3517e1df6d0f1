/**
 * From a package (and the image's OS) to the OSV question to ask: which
 * ecosystem and release, which package name, which version, compared under
 * which version scheme.
 *
 * OS packages:
 * - deb and apk are matched by SOURCE package (`sourceName` ?? name) and
 *   source version (`sourceVersion` ?? version): Debian, Ubuntu, Alpine,
 *   Wolfi and Chainguard file their records under source package names. The
 *   source version is taken as the status file wrote it: `bsdutils`
 *   1:2.38.1-5+deb12u3 is built from util-linux 2.38.1-5+deb12u3 (no epoch),
 *   and the binary's epoch must not leak into the comparison.
 * - rpm is matched by the binary package's own name and `[epoch:]version-release`:
 *   AlmaLinux, Rocky Linux and Red Hat records list every binary rpm a fix
 *   ships (`zlib`, `zlib-devel`, …), and binaries share their source's version.
 *
 * Releases, exactly as OSV writes them: `Debian:12` (major of `12.15`, or the
 * codename), `Ubuntu:22.04` plus `Ubuntu:22.04:LTS` for LTS releases,
 * `Alpine:v3.20` (from `3.20.3`), `AlmaLinux:9`, `Rocky Linux:9`, `Wolfi` and
 * `Chainguard` (no release). Red Hat files records per product stream
 * (`Red Hat:enterprise_linux:9::appstream`, `…::baseos`, …): those are asked
 * for by the prefix `enterprise_linux:<major>::` when the database supports
 * prefix lookups, else stream by stream from RHEL_STREAMS.
 */
import type { OSInfo, Package, PackageType } from '../../core/types.js';
import { normalizePackageName } from '../db/schema.js';
import type { VersionSchemeName } from '../version/index.js';

export interface OsvQuery {
  /** Base ecosystem (`Debian`, `npm`). */
  ecosystem: string;
  /** Release suffixes to look under ('' for none); several for Ubuntu LTS and Red Hat streams. */
  releases: string[];
  /** Release prefix for ecosystems that split a release into streams (Red Hat). */
  releasePrefix?: string;
  /** Package name as the ecosystem writes it (`org.example:lib` for Maven). */
  name: string;
  /** The name as stored in the database (`normalizePackageName`). */
  normalizedName: string;
  /** The installed version to compare (for deb/apk: the source version). */
  version: string;
  /** Scheme for `ECOSYSTEM` ranges. */
  scheme: VersionSchemeName;
  /** Scheme for `SEMVER` ranges. */
  semverScheme: VersionSchemeName;
}

export type QueryResolution =
  | { ok: true; query: OsvQuery }
  | { ok: false; code: 'no-os' | 'unsupported-os' | 'os-package-type-mismatch' | 'unsupported-package-type'; message: string };

export interface DistroEcosystem {
  ecosystem: string;
  releases: string[];
  releasePrefix?: string;
  scheme: VersionSchemeName;
  /** Package type whose records this ecosystem holds. */
  packageType: PackageType;
  /** Whether records name source packages (deb, apk) or binary packages (rpm). */
  bySource: boolean;
}

export type DistroResolution = { ok: true; distro: DistroEcosystem } | { ok: false; message: string };

/** Debian codenames by major release, for images whose os-release has no VERSION_ID (testing, some slim bases). */
const DEBIAN_CODENAMES: Readonly<Record<string, string>> = {
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
};

/**
 * Red Hat product streams of a major release as OSV's Red Hat ecosystem names
 * them (`Red Hat:enterprise_linux:9::appstream`). Used only when the database
 * cannot look releases up by prefix.
 */
export const RHEL_STREAMS: readonly string[] = [
  'appstream',
  'baseos',
  'crb',
  'highavailability',
  'nfv',
  'realtime',
  'resilientstorage',
  'sap',
  'sap_hana',
  'supplementary',
];

function major(version: string): string | undefined {
  return /^(\d+)/.exec(version.trim())?.[1];
}

function majorMinor(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  return m ? `${m[1]}.${m[2]}` : undefined;
}

/** The OSV ecosystem and release(s) of an OS, or why there is none. */
export function distroEcosystem(os: OSInfo): DistroResolution {
  const family = os.family.toLowerCase();
  const version = os.version ?? '';
  const deb = (ecosystem: string, releases: string[]): DistroResolution => ({
    ok: true,
    distro: { ecosystem, releases, scheme: 'deb', packageType: 'deb', bySource: true },
  });
  const apk = (ecosystem: string, releases: string[]): DistroResolution => ({
    ok: true,
    distro: { ecosystem, releases, scheme: 'apk', packageType: 'apk', bySource: true },
  });
  const rpm = (ecosystem: string, releases: string[], releasePrefix?: string): DistroResolution => ({
    ok: true,
    distro: { ecosystem, releases, releasePrefix, scheme: 'rpm', packageType: 'rpm', bySource: false },
  });
  const noRelease = (): DistroResolution => ({
    ok: false,
    message: `cannot tell the ${family} release from version ${JSON.stringify(version)}`,
  });
  switch (family) {
    case 'debian': {
      const release = major(version) ?? DEBIAN_CODENAMES[os.codename?.toLowerCase() ?? ''];
      return release ? deb('Debian', [release]) : noRelease();
    }
    case 'ubuntu': {
      const release = majorMinor(version);
      if (!release) return noRelease();
      // LTS: April releases of even years (OSV files them as `22.04:LTS`).
      const [year, month] = release.split('.').map(Number) as [number, number];
      const lts = month === 4 && year % 2 === 0;
      return deb('Ubuntu', lts ? [release, `${release}:LTS`] : [release]);
    }
    case 'alpine': {
      const release = majorMinor(version);
      return release ? apk('Alpine', [`v${release}`]) : noRelease();
    }
    case 'wolfi':
      return apk('Wolfi', ['']);
    case 'chainguard':
      return apk('Chainguard', ['']);
    case 'almalinux': {
      const release = major(version);
      return release ? rpm('AlmaLinux', [release]) : noRelease();
    }
    case 'rocky': {
      const release = major(version);
      return release ? rpm('Rocky Linux', [release]) : noRelease();
    }
    case 'rhel': {
      const release = major(version);
      if (!release) return noRelease();
      const prefix = `enterprise_linux:${release}::`;
      return rpm(
        'Red Hat',
        RHEL_STREAMS.map((s) => `${prefix}${s}`),
        prefix,
      );
    }
    default:
      return { ok: false, message: `no vulnerability data for ${os.prettyName ?? family} (${family})` };
  }
}

interface LanguageEcosystem {
  ecosystem: string;
  scheme: VersionSchemeName;
  semverScheme: VersionSchemeName;
}

const LANGUAGE_ECOSYSTEMS: Partial<Record<PackageType, LanguageEcosystem>> = {
  npm: { ecosystem: 'npm', scheme: 'semver', semverScheme: 'semver' },
  pypi: { ecosystem: 'PyPI', scheme: 'pep440', semverScheme: 'semver' },
  // Go's order is SemVer 2.0 with an optional `v`; the `go` scheme reads both spellings.
  golang: { ecosystem: 'Go', scheme: 'go', semverScheme: 'go' },
  maven: { ecosystem: 'Maven', scheme: 'maven', semverScheme: 'semver' },
  cargo: { ecosystem: 'crates.io', scheme: 'semver', semverScheme: 'semver' },
  gem: { ecosystem: 'RubyGems', scheme: 'gem', semverScheme: 'semver' },
  composer: { ecosystem: 'Packagist', scheme: 'packagist', semverScheme: 'semver' },
  nuget: { ecosystem: 'NuGet', scheme: 'nuget', semverScheme: 'semver' },
};

/** The ecosystem name a language package type is filed under in OSV. */
export function languageEcosystem(type: PackageType): string | undefined {
  return LANGUAGE_ECOSYSTEMS[type]?.ecosystem;
}

function languageName(pkg: Package): string {
  switch (pkg.type) {
    case 'maven':
      return pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name;
    case 'composer':
      return pkg.namespace && !pkg.name.includes('/') ? `${pkg.namespace}/${pkg.name}` : pkg.name;
    default:
      return pkg.name;
  }
}

/** Go versions as OSV writes them: `v1.2.3` → `1.2.3`, the toolchain's `go1.21.5` → `1.21.5`. */
export function osvGoVersion(version: string): string {
  if (version.startsWith('go')) return version.slice(2);
  if (version.startsWith('v')) return version.slice(1);
  return version;
}

/** The OSV query for one package; `distro` is the resolved OS ecosystem (for OS packages). */
export function osvQueryFor(pkg: Package, distro: DistroResolution | undefined): QueryResolution {
  if (pkg.type === 'deb' || pkg.type === 'apk' || pkg.type === 'rpm') {
    if (!distro) return { ok: false, code: 'no-os', message: `${pkg.type} package without a known operating system` };
    if (!distro.ok) return { ok: false, code: 'unsupported-os', message: distro.message };
    const d = distro.distro;
    if (d.packageType !== pkg.type) {
      return {
        ok: false,
        code: 'os-package-type-mismatch',
        message: `${pkg.type} package on ${d.ecosystem}, whose records are for ${d.packageType} packages`,
      };
    }
    const name = d.bySource ? (pkg.sourceName ?? pkg.name) : pkg.name;
    const version = d.bySource ? (pkg.sourceVersion ?? pkg.version) : pkg.version;
    return {
      ok: true,
      query: {
        ecosystem: d.ecosystem,
        releases: d.releases,
        releasePrefix: d.releasePrefix,
        name,
        normalizedName: normalizePackageName(d.ecosystem, name),
        version,
        scheme: d.scheme,
        semverScheme: 'semver',
      },
    };
  }
  const lang = LANGUAGE_ECOSYSTEMS[pkg.type];
  if (!lang) return { ok: false, code: 'unsupported-package-type', message: `no vulnerability data for ${pkg.type} packages` };
  const name = languageName(pkg);
  return {
    ok: true,
    query: {
      ecosystem: lang.ecosystem,
      releases: [''],
      name,
      normalizedName: normalizePackageName(lang.ecosystem, name),
      version: pkg.type === 'golang' ? osvGoVersion(pkg.version) : pkg.version,
      scheme: lang.scheme,
      semverScheme: lang.semverScheme,
    },
  };
}
