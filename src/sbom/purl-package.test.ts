import { describe, expect, it } from 'vitest';
import { packageFromPurl } from './purl-package.js';

describe('packageFromPurl', () => {
  it.each([
    [
      'pkg:deb/debian/login@4.13+dfsg1-1+deb12u2?arch=amd64&distro=debian-12.15&epoch=1&upstream=shadow%401%3A4.13%2Bdfsg1-1%2Bdeb12u2',
      {
        type: 'deb',
        name: 'login',
        version: '1:4.13+dfsg1-1+deb12u2',
        epoch: 1,
        release: '1+deb12u2',
        arch: 'amd64',
        sourceName: 'shadow',
        sourceVersion: '1:4.13+dfsg1-1+deb12u2',
        distro: { family: 'debian', version: '12.15' },
      },
    ],
    // Syft writes the epoch into the version and the source without its version.
    [
      'pkg:deb/debian/login@1:4.13+dfsg1-1?arch=amd64&upstream=shadow&distro=debian-12',
      { type: 'deb', name: 'login', version: '1:4.13+dfsg1-1', epoch: 1, release: '1', arch: 'amd64', sourceName: 'shadow', distro: { family: 'debian', version: '12' } },
    ],
    [
      'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=3.20.3&upstream=busybox',
      { type: 'apk', name: 'busybox', version: '1.36.1-r29', arch: 'x86_64', sourceName: 'busybox', distro: { family: 'alpine', version: '3.20.3' } },
    ],
    [
      'pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&distro=redhat-9.4&upstream=openssl-3.0.7-27.el9.src.rpm',
      {
        type: 'rpm',
        name: 'openssl-libs',
        version: '1:3.0.7-27.el9',
        epoch: 1,
        release: '27.el9',
        arch: 'x86_64',
        sourceName: 'openssl',
        sourceVersion: '1:3.0.7-27.el9',
        distro: { family: 'rhel', version: '9.4' },
      },
    ],
    ['pkg:npm/%40babel/runtime@7.24.0', { type: 'npm', name: '@babel/runtime', version: '7.24.0' }],
    ['pkg:golang/github.com/docker/docker@v24.0.9%2Bincompatible', { type: 'golang', name: 'github.com/docker/docker', version: 'v24.0.9+incompatible' }],
    ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', { type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' }],
    ['pkg:pypi/pyyaml@6.0', { type: 'pypi', name: 'pyyaml', version: '6.0' }],
    ['pkg:composer/laravel/framework@10.48.4', { type: 'composer', name: 'laravel/framework', version: '10.48.4' }],
  ])('%s', (purl, want) => {
    const r = packageFromPurl(purl);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.pkg).toMatchObject(want);
  });

  it('writes purls the canonical way', () => {
    const r = packageFromPurl('pkg:golang/github.com/docker/docker@v24.0.9%2Bincompatible');
    expect(r.ok && r.pkg.purl).toBe('pkg:golang/github.com/docker/docker@v24.0.9+incompatible');
  });

  it('tells unsupported types from invalid purls', () => {
    expect(packageFromPurl('pkg:oci/debian@sha256%3Aabc')).toEqual({ ok: false, reason: 'unsupported', type: 'oci' });
    expect(packageFromPurl('pkg:generic/openssl@3.0.7')).toEqual({ ok: false, reason: 'unsupported', type: 'generic' });
    for (const bad of ['npm/express@4', 'pkg:', 'pkg:npm', 'pkg:npm/', `pkg:npm/${'a'.repeat(5000)}`]) {
      expect(packageFromPurl(bad)).toEqual({ ok: false, reason: 'invalid' });
    }
  });
});
