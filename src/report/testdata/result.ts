/**
 * A ScanResult for the renderer goldens: an image of a Debian 12 Node service
 * with real advisories (Debian security tracker and GHSA data as published),
 * one secret with redacted evidence, image hardening findings and a
 * suppressed finding.
 */
import type { LayerRef, Package, ScanResult } from '../../core/types.js';

const base: LayerRef = {
  index: 0,
  diffID: 'sha256:8d853c8add5d1e7b0aafc4b68a3d9fb8e7a0da27970c2acf831fe63be4a0cd2c',
  createdBy: '# debian.sh --arch amd64 out/ bookworm @1718582400',
  historyIndex: 0,
};
const app: LayerRef = {
  index: 3,
  diffID: 'sha256:4f2d4a1c0f5e9b3c6a7d8e9f00112233445566778899aabbccddeeff00112233',
  createdBy: 'COPY . /app # buildkit',
  historyIndex: 7,
};

function deb(name: string, version: string, sourceName: string, sourceVersion?: string): Package {
  return {
    id: `deb:${name}@${version}`,
    type: 'deb',
    name,
    version,
    purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=amd64&distro=debian-12.5`,
    sourceName,
    ...(sourceVersion ? { sourceVersion } : {}),
    arch: 'amd64',
    foundBy: 'dpkg',
    locations: ['/var/lib/dpkg/status'],
    layer: base,
  };
}

const libexpat = deb('libexpat1', '2.5.0-1', 'expat');
const libc6 = deb('libc6', '2.36-9+deb12u1', 'glibc');
const zlib = deb('zlib1g', '1:1.2.13.dfsg-1', 'zlib');
const crossSpawn: Package = {
  id: 'npm:cross-spawn@7.0.3',
  type: 'npm',
  name: 'cross-spawn',
  version: '7.0.3',
  purl: 'pkg:npm/cross-spawn@7.0.3',
  licenses: ['MIT'],
  foundBy: 'npm-package-json',
  locations: ['/app/node_modules/cross-spawn/package.json'],
  layer: app,
};
const babel: Package = {
  id: 'npm:@babel/traverse@7.22.5',
  type: 'npm',
  name: '@babel/traverse',
  version: '7.22.5',
  purl: 'pkg:npm/%40babel/traverse@7.22.5',
  licenses: ['MIT'],
  foundBy: 'npm-package-json',
  locations: ['/app/node_modules/@babel/traverse/package.json'],
  layer: app,
};

function ref(p: Package) {
  const { id, type, name, version, purl, sourceName, sourceVersion, layer } = p;
  return { id, type, name, version, purl, sourceName, sourceVersion, layer };
}

export const imageResult: ScanResult = {
  schemaVersion: 1,
  tool: { name: 'bulkhead', version: '0.1.0' },
  createdAt: '2026-11-02T09:30:00.000Z',
  target: { kind: 'image', name: 'registry.example.com/shop/orders-api:1.4.2' },
  os: { family: 'debian', version: '12.5', prettyName: 'Debian GNU/Linux 12 (bookworm)', codename: 'bookworm', source: '/etc/os-release' },
  packages: [libexpat, libc6, zlib, crossSpawn, babel],
  findings: [
    {
      kind: 'vulnerability',
      id: 'CVE-2024-45490',
      title: 'libexpat: Negative Length Parsing Vulnerability in libexpat',
      severity: 'critical',
      status: 'fixed',
      location: { layer: base },
      package: ref(libexpat),
      installedVersion: '2.5.0-1',
      fixedVersion: '2.5.0-1+deb12u1',
      references: ['https://security-tracker.debian.org/tracker/CVE-2024-45490', 'https://github.com/libexpat/libexpat/pull/890'],
      remediation: 'Upgrade libexpat1 to 2.5.0-1+deb12u1 or later.',
    },
    {
      kind: 'vulnerability',
      id: 'CVE-2023-4911',
      title: 'glibc: buffer overflow in ld.so leading to privilege escalation',
      severity: 'high',
      status: 'fixed',
      location: { layer: base },
      package: ref(libc6),
      installedVersion: '2.36-9+deb12u1',
      fixedVersion: '2.36-9+deb12u3',
      references: ['https://security-tracker.debian.org/tracker/CVE-2023-4911'],
      remediation: 'Upgrade libc6 to 2.36-9+deb12u3 or later.',
    },
    {
      kind: 'vulnerability',
      id: 'CVE-2023-45853',
      title: 'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
      severity: 'critical',
      status: 'will-not-fix',
      location: { layer: base },
      package: ref(zlib),
      installedVersion: '1:1.2.13.dfsg-1',
      references: ['https://security-tracker.debian.org/tracker/CVE-2023-45853'],
    },
    {
      kind: 'vulnerability',
      id: 'CVE-2023-45133',
      title: 'Babel vulnerable to arbitrary code execution when compiling specifically crafted malicious code',
      severity: 'critical',
      status: 'fixed',
      location: { path: '/app/node_modules/@babel/traverse/package.json', layer: app },
      package: ref(babel),
      installedVersion: '7.22.5',
      fixedVersion: '7.23.2',
      references: ['https://github.com/advisories/GHSA-67hx-6x53-jw92'],
      remediation: 'Upgrade @babel/traverse to 7.23.2 or later.',
    },
    {
      kind: 'vulnerability',
      id: 'CVE-2024-21538',
      title: 'Regular Expression Denial of Service (ReDoS) in cross-spawn',
      severity: 'high',
      status: 'fixed',
      location: { path: '/app/node_modules/cross-spawn/package.json', layer: app },
      package: ref(crossSpawn),
      installedVersion: '7.0.3',
      fixedVersion: '7.0.5',
      references: ['https://github.com/advisories/GHSA-3xgq-45jj-v275'],
      remediation: 'Upgrade cross-spawn to 7.0.5 or later.',
      suppressedBy: { kind: 'ignore', source: '.bulkheadignore', reason: 'build-time only | not reachable at runtime' },
    },
    {
      kind: 'secret',
      id: 'BH-SEC-001',
      title: 'AWS access key ID',
      severity: 'critical',
      location: { path: '/app/.env', startLine: 3, endLine: 3, layer: app },
      references: ['gitleaks:aws-access-token', 'trivy:aws-access-key-id'],
      remediation: 'Deactivate the key in AWS IAM, issue a new one and pass it at runtime instead of baking it into the image.',
      evidence: 'AWS_ACCESS_KEY_ID=AKIA****************',
    },
    {
      kind: 'misconfiguration',
      id: 'BH-DF-001',
      title: 'Final stage runs as root',
      severity: 'high',
      status: 'affected',
      location: { path: '/Dockerfile', startLine: 14, endLine: 14 },
      references: ['hadolint:DL3002', 'trivy:DS002'],
      remediation: 'Add `USER 10001` (a non-root uid) after the last step that needs root.',
    },
    {
      kind: 'misconfiguration',
      id: 'BH-DF-002',
      title: 'Base image has no tag or uses `latest`',
      severity: 'medium',
      status: 'affected',
      location: { path: '/Dockerfile', startLine: 1, endLine: 1 },
      references: ['hadolint:DL3006', 'hadolint:DL3007', 'trivy:DS001'],
      remediation: 'Name an explicit version tag (`node:20.11-bookworm-slim`), ideally together with its digest.',
    },
  ],
  notices: [],
  scanners: ['vuln', 'secret', 'misconfig'],
  stats: { layersRead: 4, layersFromCache: 0, filesAnalyzed: 5123, bytesRead: 187654321, durationMs: 2310 },
};

/** The same findings as a checkout scan: paths relative to the checkout root. */
export const fsResult: ScanResult = {
  ...imageResult,
  target: { kind: 'fs', name: '/home/ci/orders-api' },
  os: undefined,
  packages: [],
  findings: imageResult.findings
    .filter((f) => f.kind !== 'vulnerability' || f.location.path)
    .map((f) => ({ ...f, location: { ...f.location, layer: undefined } })),
};
