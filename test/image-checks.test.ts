/**
 * Image checks on the real fixture images of ../shared/fixtures/images/oci
 * (see its README): app-node runs as root with DB_PASSWORD in its Env, port
 * 22 exposed and a setuid /app/server.js; app-python (User 10001:10001) has
 * none of those. Skipped when ../shared is absent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanResult } from '../src/core/types.js';
import { checkImage } from '../src/misconfig/image/index.js';
import { scanImage } from '../src/pipeline/scan.js';
import { hasShared, SHARED_OCI } from './helpers/shared-fixtures.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const ids = (fs: Finding[], id: string) => fs.filter((f) => f.id === id);

describe.skipIf(!hasShared)('image checks on fixture app-node', () => {
  let result: ScanResult;
  let findings: Finding[];
  beforeAll(async () => {
    result = await scanImage(`oci:${SHARED_OCI}:app-node`, { cache: null });
    findings = checkImage(result, { now: NOW });
  });

  it('reports the root user', () => {
    expect(ids(findings, 'BH-IMG-001')).toEqual([expect.objectContaining({ severity: 'high', title: 'Image runs as root (no USER set)' })]);
  });

  it('reports DB_PASSWORD in Env, redacted, and nothing else as a secret in the config', () => {
    expect(ids(findings, 'BH-IMG-002')).toEqual([
      expect.objectContaining({ kind: 'secret', title: 'Secret in environment variable DB_PASSWORD', evidence: 'Env DB_PASSWORD=QP********' }),
    ]);
    // The history entry says `ENV DB_PASSWORD=***`: already masked by the builder.
    expect(ids(findings, 'BH-IMG-004')).toEqual([]);
    expect(JSON.stringify(findings)).not.toContain('QPVbEQgb5qSCDShiMinw');
  });

  it('reports port 22 and not the application port 3000', () => {
    expect(ids(findings, 'BH-IMG-006').map((f) => [f.title, f.severity])).toEqual([['Image exposes port 22/tcp (SSH)', 'medium']]);
  });

  it('reports the setuid /app/server.js at medium with layer 2, and the packaged setuid binaries at low', () => {
    const setuid = ids(findings, 'BH-IMG-007');
    expect(setuid[0]).toMatchObject({
      title: 'setuid file /app/server.js (not installed by any OS package)',
      severity: 'medium',
      location: { path: '/app/server.js', layer: { index: 2, historyIndex: 3 } },
      evidence: 'rwSr--r-- (4644) uid 0 gid 0; no OS package lists this file; layer 2',
    });
    // chage chfn chsh expiry gpasswd mount newgrp passwd su umount unix_chkpwd: each owned by a Debian package.
    expect(setuid.slice(1).map((f) => f.location.path)).toEqual([
      '/usr/bin/chage',
      '/usr/bin/chfn',
      '/usr/bin/chsh',
      '/usr/bin/expiry',
      '/usr/bin/gpasswd',
      '/usr/bin/mount',
      '/usr/bin/newgrp',
      '/usr/bin/passwd',
      '/usr/bin/su',
      '/usr/bin/umount',
      '/usr/sbin/unix_chkpwd',
    ]);
    expect(setuid.slice(1).every((f) => f.severity === 'low' && f.location.layer?.index === 0)).toBe(true);
  });

  it('summarises the attack surface of the Debian minbase', () => {
    const [surface] = ids(findings, 'BH-IMG-009');
    expect(surface).toMatchObject({ severity: 'info', title: 'Attack surface: package managers (apt, dpkg); shells (bash, dash)' });
    expect(surface!.evidence).toContain('88 OS packages in total');
  });

  it('reports no health check, no remote ADD, no EOL and no age finding in November 2026', () => {
    expect(ids(findings, 'BH-IMG-005')).toMatchObject([{ severity: 'low' }]);
    expect(ids(findings, 'BH-IMG-010')).toEqual([]);
    expect(ids(findings, 'BH-IMG-011')).toEqual([]);
    expect(ids(findings, 'BH-IMG-012')).toEqual([]);
  });
});

describe.skipIf(!hasShared)('image checks on fixture app-python', () => {
  let result: ScanResult;
  let findings: Finding[];
  beforeAll(async () => {
    result = await scanImage(`oci:${SHARED_OCI}:app-python`, { cache: null });
    findings = checkImage(result, { now: NOW });
  });

  it('reports none of root user, secrets in the config, port 22 or the setuid server.js', () => {
    expect(result.image?.config.user).toBe('10001:10001');
    for (const id of ['BH-IMG-001', 'BH-IMG-002', 'BH-IMG-003', 'BH-IMG-004', 'BH-IMG-006']) expect(ids(findings, id), id).toEqual([]);
    expect(findings.some((f) => f.location.path === '/app/server.js')).toBe(false);
    expect(findings.filter((f) => f.kind === 'secret')).toEqual([]);
  });

  it('reports Debian 12 end of life and the image age once measured in July 2028', () => {
    const later = checkImage(result, { now: new Date('2028-07-01T00:00:00Z') });
    expect(ids(later, 'BH-IMG-011')).toMatchObject([{ status: 'end-of-life', title: 'Debian 12 (bookworm) reached end of life on 2028-06-30', location: { path: '/usr/lib/os-release' } }]);
    expect(ids(later, 'BH-IMG-012')).toMatchObject([{ title: 'Image was built 608 days ago (2026-11-01)' }]);
  });
});
