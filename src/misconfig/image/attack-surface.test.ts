import { describe, expect, it } from 'vitest';
import type { Package, ScanResult } from '../../core/types.js';
import { surfaceInventory } from './attack-surface.js';
import { checkImage } from './index.js';
import { deb, debianBase, NOW } from './testdata/result.js';

const byId = (r: ScanResult, id: string) => checkImage(r, { now: NOW }).filter((f) => f.id === id);

function apk(name: string): Package {
  return { id: `apk:${name}`, type: 'apk', name, version: '1.0-r0', purl: `pkg:apk/alpine/${name}@1.0-r0`, foundBy: 'apk', locations: ['/lib/apk/db/installed'] };
}

describe('BH-IMG-009 attack surface', () => {
  it('summarises the Debian base: apt and dpkg, bash and dash, and not gcc-12-base as a compiler', () => {
    const found = byId(debianBase(), 'BH-IMG-009');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'info',
      title: 'Attack surface: package managers (apt, dpkg); shells (bash, dash)',
      evidence: 'package managers: apt, dpkg; shells: bash, dash; compilers: none; network tools: none; 10 OS packages in total',
    });
    expect(found[0]!.remediation).toContain('A distroless base');
    expect(found[0]!.remediation).toContain('the package managers (apt, dpkg) and the shells (bash, dash) would be gone');
  });

  it('lists compilers and network tools with advice for each', () => {
    const r = debianBase();
    r.packages = [...r.packages, deb('gcc-12', '12.2.0-14'), deb('g++', '4:12.2.0-3'), deb('curl', '7.88.1-10'), deb('openssh-client', '1:9.2p1-2')];
    const [f] = byId(r, 'BH-IMG-009');
    expect(f!.evidence).toContain('compilers: g++, gcc-12; network tools: curl, openssh-client');
    expect(f!.remediation).toContain('multi-stage build keeps the compilers (g++, gcc-12)');
    expect(f!.remediation).toContain('Download tools (curl, openssh-client)');
  });

  it('counts busybox as a shell with network applets, and npm/pip installed as language packages', () => {
    const npm: Package = { id: 'npm:npm@10.8.2', type: 'npm', name: 'npm', version: '10.8.2', purl: 'pkg:npm/npm@10.8.2', foundBy: 'npm', locations: ['/usr/local/lib/node_modules/npm/package.json'] };
    expect(surfaceInventory([apk('busybox'), apk('apk-tools'), apk('musl'), npm])).toEqual({
      'package managers': ['apk-tools', 'npm (npm)'],
      shells: ['busybox'],
      compilers: [],
      'network tools': ['busybox (wget, nc applets)'],
    });
  });

  it('does not fire for an image without any of those tools, nor on fs scans', () => {
    expect(byId(debianBase({ packages: [deb('libc6', '2.36-9+deb12u14'), deb('tzdata', '2025b-0+deb12u2')] }), 'BH-IMG-009')).toEqual([]);
    expect(byId(debianBase({ target: { kind: 'fs', name: '.' } }), 'BH-IMG-009')).toEqual([]);
  });
});
