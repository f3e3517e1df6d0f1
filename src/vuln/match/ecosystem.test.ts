import { describe, expect, it } from 'vitest';
import type { OSInfo, Package } from '../../core/types.js';
import { distroEcosystem, osvGoVersion, osvQueryFor } from './ecosystem.js';

const os = (family: string, version: string, extra: Partial<OSInfo> = {}): OSInfo => ({ family, version, source: '/etc/os-release', ...extra });
const pkg = (p: Partial<Package> & Pick<Package, 'type' | 'name' | 'version'>): Package => ({
  id: `${p.type}:${p.name}@${p.version}`,
  purl: '',
  foundBy: 'test',
  locations: ['/x'],
  ...p,
});

describe('distroEcosystem', () => {
  const cases: Array<[OSInfo, string, string[], string?]> = [
    [os('debian', '12.15'), 'Debian', ['12']],
    [os('debian', '', { codename: 'trixie' }), 'Debian', ['13']],
    [os('ubuntu', '22.04'), 'Ubuntu', ['22.04', '22.04:LTS']],
    [os('ubuntu', '24.04'), 'Ubuntu', ['24.04', '24.04:LTS']],
    [os('ubuntu', '23.10'), 'Ubuntu', ['23.10']],
    [os('alpine', '3.20.3'), 'Alpine', ['v3.20']],
    [os('almalinux', '9.4'), 'AlmaLinux', ['9']],
    [os('rocky', '8.10'), 'Rocky Linux', ['8']],
    [os('wolfi', '20230201'), 'Wolfi', ['']],
    [os('chainguard', ''), 'Chainguard', ['']],
  ];
  it.each(cases)('%o → %s %o', (info, ecosystem, releases) => {
    const r = distroEcosystem(info);
    expect(r.ok && r.distro.ecosystem).toBe(ecosystem);
    expect(r.ok && r.distro.releases).toEqual(releases);
  });

  it('asks Red Hat by stream prefix, with the streams as fallback', () => {
    const r = distroEcosystem(os('rhel', '9.4'));
    if (!r.ok) throw new Error(r.message);
    expect(r.distro.ecosystem).toBe('Red Hat');
    expect(r.distro.releasePrefix).toBe('enterprise_linux:9::');
    expect(r.distro.releases).toContain('enterprise_linux:9::appstream');
    expect(r.distro.releases).toContain('enterprise_linux:9::baseos');
    expect(r.distro.releases.every((x) => x.startsWith('enterprise_linux:9::'))).toBe(true);
  });

  it('says when there is no data or no release', () => {
    expect(distroEcosystem(os('centos', '7'))).toMatchObject({ ok: false, message: expect.stringMatching(/no vulnerability data/) });
    expect(distroEcosystem(os('debian', 'sid'))).toMatchObject({ ok: false, message: expect.stringMatching(/cannot tell the debian release/) });
  });
});

describe('osvQueryFor', () => {
  const bookworm = distroEcosystem(os('debian', '12.15'));

  it('matches deb packages by source name and source version (no binary epoch)', () => {
    const q = osvQueryFor(pkg({ type: 'deb', name: 'bsdutils', version: '1:2.38.1-5+deb12u3', sourceName: 'util-linux', sourceVersion: '2.38.1-5+deb12u3' }), bookworm);
    expect(q).toEqual({
      ok: true,
      query: {
        ecosystem: 'Debian',
        releases: ['12'],
        releasePrefix: undefined,
        name: 'util-linux',
        normalizedName: 'util-linux',
        version: '2.38.1-5+deb12u3',
        scheme: 'deb',
        semverScheme: 'semver',
      },
    });
    const self = osvQueryFor(pkg({ type: 'deb', name: 'tar', version: '1.34+dfsg-1.2+deb12u1' }), bookworm);
    expect(self.ok && [self.query.name, self.query.version]).toEqual(['tar', '1.34+dfsg-1.2+deb12u1']);
  });

  it('matches apk packages by origin and rpm packages by their own name', () => {
    const a = osvQueryFor(pkg({ type: 'apk', name: 'libcrypto3', version: '3.3.2-r0', sourceName: 'openssl' }), distroEcosystem(os('alpine', '3.20.3')));
    expect(a.ok && [a.query.ecosystem, a.query.releases, a.query.name, a.query.version, a.query.scheme]).toEqual(['Alpine', ['v3.20'], 'openssl', '3.3.2-r0', 'apk']);
    const r = osvQueryFor(
      pkg({ type: 'rpm', name: 'zlib-devel', version: '1.2.11-31.el9', sourceName: 'zlib', sourceVersion: '1.2.11-31.el9' }),
      distroEcosystem(os('almalinux', '9.4')),
    );
    expect(r.ok && [r.query.ecosystem, r.query.releases, r.query.name, r.query.scheme]).toEqual(['AlmaLinux', ['9'], 'zlib-devel', 'rpm']);
  });

  it('names language packages as their OSV ecosystem does', () => {
    const q = (p: Package) => {
      const r = osvQueryFor(p, undefined);
      if (!r.ok) throw new Error(r.message);
      return [r.query.ecosystem, r.query.name, r.query.normalizedName, r.query.version, r.query.scheme, r.query.semverScheme];
    };
    expect(q(pkg({ type: 'npm', name: '@babel/core', version: '7.0.0' }))).toEqual(['npm', '@babel/core', '@babel/core', '7.0.0', 'semver', 'semver']);
    expect(q(pkg({ type: 'pypi', name: 'Jinja2', version: '3.1.2' }))).toEqual(['PyPI', 'Jinja2', 'jinja2', '3.1.2', 'pep440', 'semver']);
    expect(q(pkg({ type: 'pypi', name: 'zope.interface', version: '5.0' }))).toEqual(['PyPI', 'zope.interface', 'zope-interface', '5.0', 'pep440', 'semver']);
    expect(q(pkg({ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' }))).toEqual([
      'Maven',
      'org.apache.logging.log4j:log4j-core',
      'org.apache.logging.log4j:log4j-core',
      '2.14.1',
      'maven',
      'semver',
    ]);
    expect(q(pkg({ type: 'golang', name: 'golang.org/x/net', version: 'v0.0.0-20220906165146-f3363e06e74c' }))).toEqual([
      'Go',
      'golang.org/x/net',
      'golang.org/x/net',
      '0.0.0-20220906165146-f3363e06e74c',
      'go',
      'go',
    ]);
    expect(q(pkg({ type: 'golang', name: 'stdlib', version: 'go1.21.5' }))).toEqual(['Go', 'stdlib', 'stdlib', '1.21.5', 'go', 'go']);
    expect(q(pkg({ type: 'cargo', name: 'Serde_JSON', version: '1.0.0' }))).toEqual(['crates.io', 'Serde_JSON', 'serde-json', '1.0.0', 'semver', 'semver']);
    expect(q(pkg({ type: 'gem', name: 'rack', version: '2.2.3' }))).toEqual(['RubyGems', 'rack', 'rack', '2.2.3', 'gem', 'semver']);
    expect(q(pkg({ type: 'composer', name: 'symfony/http-kernel', version: 'v5.4.0' }))).toEqual(['Packagist', 'symfony/http-kernel', 'symfony/http-kernel', 'v5.4.0', 'packagist', 'semver']);
    expect(q(pkg({ type: 'nuget', name: 'Newtonsoft.Json', version: '12.0.1' }))).toEqual(['NuGet', 'Newtonsoft.Json', 'newtonsoft.json', '12.0.1', 'nuget', 'semver']);
  });

  it('refuses OS packages without a usable OS', () => {
    const deb = pkg({ type: 'deb', name: 'tar', version: '1.34' });
    expect(osvQueryFor(deb, undefined)).toMatchObject({ ok: false, code: 'no-os' });
    expect(osvQueryFor(deb, distroEcosystem(os('centos', '7')))).toMatchObject({ ok: false, code: 'unsupported-os' });
    expect(osvQueryFor(deb, distroEcosystem(os('alpine', '3.20.3')))).toMatchObject({ ok: false, code: 'os-package-type-mismatch' });
  });

  it('drops the v and go prefixes of Go versions only', () => {
    expect(['v1.2.3', 'go1.22.0', '1.2.3', 'v0.0.0-2020-abc'].map(osvGoVersion)).toEqual(['1.2.3', '1.22.0', '1.2.3', '0.0.0-2020-abc']);
  });
});
