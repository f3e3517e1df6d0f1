/**
 * Hand-built ScanResults for the image check tests. `debianBase()` mirrors
 * the shared fixture `debian-bookworm` (Debian 12.15 minbase, Cmd bash, no
 * User, the shadow/util-linux setuid binaries) with a handful of its real
 * packages and file lists; tests change one field at a time.
 */
import type { ImageMetadata, LayerRef, NotableFile, Package, ScanResult } from '../../../core/types.js';

export const LAYER0: LayerRef = {
  index: 0,
  diffID: 'sha256:5a44143ac067c9cb30ff258a2c87140513336563bb833d6d0c92dd66353ffdf5',
  digest: 'sha256:c478a43ad7264ca8b498824e55f31143aeb5ed8e21f3687d6be94b62e66d5e17',
  historyIndex: 0,
  createdBy: '/bin/sh -c #(nop) ADD file:debootstrap-minbase-bookworm in / ',
};

export function deb(name: string, version: string, files: string[] = []): Package {
  return {
    id: `deb:${name}@${version}`,
    type: 'deb',
    name,
    version,
    purl: `pkg:deb/debian/${name}@${version}?distro=debian-12.15`,
    foundBy: 'dpkg',
    locations: ['/var/lib/dpkg/status'],
    layer: LAYER0,
    files,
  };
}

export function notable(path: string, mode: number, reasons: NotableFile['reasons'], layer: LayerRef = LAYER0): NotableFile {
  return { path, mode, uid: 0, gid: 0, reasons, layer };
}

export function image(overrides: Partial<ImageMetadata> = {}): ImageMetadata {
  return {
    reference: 'oci:test:debian',
    configDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
    os: 'linux',
    architecture: 'amd64',
    created: '2026-11-01T00:00:00Z',
    config: { env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], cmd: ['bash'] },
    history: [
      { created: '2026-11-01T00:00:00Z', createdBy: LAYER0.createdBy, emptyLayer: false },
      { created: '2026-11-01T00:00:00Z', createdBy: '/bin/sh -c #(nop)  CMD ["bash"]', emptyLayer: true },
    ],
    layers: [{ ...LAYER0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 30194898 }],
    ...overrides,
  };
}

export function debianBase(overrides: Partial<ScanResult> = {}): ScanResult {
  return {
    schemaVersion: 1,
    tool: { name: 'bulkhead', version: '0.1.0' },
    createdAt: '2026-11-29T00:00:00.000Z',
    target: { kind: 'image', name: 'oci:test:debian' },
    image: image(),
    os: {
      family: 'debian',
      version: '12.15',
      name: 'Debian GNU/Linux',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
      codename: 'bookworm',
      source: '/usr/lib/os-release',
    },
    packages: [
      deb('apt', '2.6.1', ['/usr/bin/apt', '/usr/bin/apt-get']),
      deb('dpkg', '1.21.22', ['/usr/bin/dpkg']),
      deb('bash', '5.2.15-2+b13', ['/bin/bash', '/bin/rbash']),
      deb('dash', '0.5.12-2', ['/bin/dash', '/bin/sh']),
      deb('gcc-12-base', '12.2.0-14+deb12u1', ['/usr/share/doc/gcc-12-base/copyright']),
      deb('login', '1:4.13+dfsg1-1+deb12u2', ['/bin/login', '/usr/bin/newgrp']),
      deb('passwd', '1:4.13+dfsg1-1+deb12u2', ['/usr/bin/chage', '/usr/bin/chfn', '/usr/bin/chsh', '/usr/bin/expiry', '/usr/bin/gpasswd', '/usr/bin/passwd']),
      deb('mount', '2.38.1-5+deb12u3', ['/bin/mount', '/bin/umount']),
      deb('util-linux', '2.38.1-5+deb12u3', ['/bin/su', '/sbin/unix_chkpwd_not_here']),
      deb('libpam-modules-bin', '1.5.2-6+deb12u1', ['/sbin/unix_chkpwd']),
    ],
    notableFiles: [
      notable('/usr/bin/chage', 0o2755, ['setgid']),
      notable('/usr/bin/mount', 0o4755, ['setuid']),
      notable('/usr/bin/su', 0o4755, ['setuid']),
      notable('/usr/sbin/unix_chkpwd', 0o2755, ['setgid']),
    ],
    findings: [],
    notices: [],
    scanners: ['vuln', 'secret'],
    stats: { layersRead: 1, layersFromCache: 0, filesAnalyzed: 10, bytesRead: 0, durationMs: 0 },
    ...overrides,
  };
}

/** The same image with its config changed. */
export function withConfig(config: ImageMetadata['config'], more: Partial<ImageMetadata> = {}): ScanResult {
  return debianBase({ image: image({ config, ...more }) });
}

export const NOW = new Date('2026-11-29T00:00:00Z');
