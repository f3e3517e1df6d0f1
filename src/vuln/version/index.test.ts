import { describe, expect, it } from 'vitest';
import { VersionError, compareVersions, getVersionScheme, isValidVersion, schemeForEcosystem } from './index.js';

describe('version scheme registry', () => {
  it('compares through the named scheme', () => {
    expect(compareVersions('deb', '1.0~rc1', '1.0')).toBe(-1);
    expect(compareVersions('rpm', '1.0~rc1', '1.0')).toBe(-1);
    expect(compareVersions('semver', '1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(compareVersions('maven', '1.0-rc1', '1.0')).toBe(-1);
    expect(compareVersions('pep440', '1.0rc1', '1.0')).toBe(-1);
    expect(compareVersions('gem', '1.0.rc1', '1.0')).toBe(-1);
    expect(compareVersions('go', 'v1.0.0-rc.1', 'v1.0.0')).toBe(-1);
    expect(compareVersions('nuget', '1.0.0-RC.1', '1.0.0.0')).toBe(-1);
    expect(compareVersions('packagist', '1.0.0-RC1', '1.0.0')).toBe(-1);
    expect(compareVersions('apk', '1.0_rc1', '1.0')).toBe(-1);
  });

  it('answers validity without throwing, false for an unknown scheme', () => {
    expect(isValidVersion('apk', '1.2.3-r0')).toBe(true);
    expect(isValidVersion('apk', '1.2.3-0')).toBe(false);
    expect(isValidVersion('nope' as never, '1.0')).toBe(false);
    expect(getVersionScheme('nope')).toBeUndefined();
    expect(getVersionScheme('deb')?.name).toBe('deb');
  });

  it('throws typed errors: an unknown scheme, an invalid version', () => {
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as VersionError;
      }
      throw new Error('no error');
    };
    const unknown = caught(() => compareVersions('nope' as never, '1', '2'));
    expect(unknown).toBeInstanceOf(VersionError);
    expect([unknown.code, unknown.scheme, unknown.version]).toEqual(['UNKNOWN_SCHEME', 'nope', '']);
    const invalid = caught(() => compareVersions('semver', '1.0.0', 'latest'));
    expect([invalid.code, invalid.scheme, invalid.version]).toEqual(['INVALID_VERSION', 'semver', 'latest']);
    expect(invalid.message).toBe('invalid semver version "latest"');
  });

  it.each([
    ['Debian:12', 'deb'],
    ['Ubuntu:22.04:LTS', 'deb'],
    ['Alpine:v3.20', 'apk'],
    ['Wolfi', 'apk'],
    ['AlmaLinux:9', 'rpm'],
    ['Rocky Linux:8', 'rpm'],
    ['Red Hat:enterprise_linux:9::appstream', 'rpm'],
    ['npm', 'semver'],
    ['crates.io', 'semver'],
    ['PyPI', 'pep440'],
    ['Maven', 'maven'],
    ['Go', 'go'],
    ['RubyGems', 'gem'],
    ['NuGet', 'nuget'],
    ['Packagist', 'packagist'],
    ['Packagist:https://packages.drupal.org/8', 'packagist'],
    ['GIT', undefined],
    ['Hackage', undefined],
    ['constructor', undefined],
  ])('maps the OSV ecosystem %j to %j', (ecosystem, scheme) => {
    expect(schemeForEcosystem(ecosystem)).toBe(scheme);
  });
});
