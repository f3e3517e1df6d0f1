/**
 * The real fixture images of ../shared/fixtures/images/oci (Debian 12.15
 * packages, real npm packages, a Debian-built Go binary): see its README for
 * what each image holds. Skipped, with the reason printed, when ../shared is
 * absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanImage } from '../src/pipeline/scan.js';
import type { Package, ScanResult } from '../src/core/types.js';
import { tempDir } from './helpers/image-builder.js';

const LAYOUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures/images/oci');
const haveShared = existsSync(path.join(LAYOUT, 'index.json'));
const haveSkopeo = (() => {
  try {
    execFileSync('skopeo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!haveShared) console.warn(`shared fixtures not found at ${LAYOUT}: real-image tests skipped`);
if (haveShared && !haveSkopeo) console.warn('skopeo not installed: docker-archive/oci-archive conversions of the fixtures skipped');

const key = (p: Package) => `${p.type} ${p.namespace ? `${p.namespace}/` : ''}${p.name}@${p.version} layer=${p.layer?.index}`;
const byType = (r: ScanResult, t: string) => r.packages.filter((p) => p.type === t);

describe.skipIf(!haveShared)('fixture app-node (OCI layout)', () => {
  let r: ScanResult;
  beforeAll(async () => {
    r = await scanImage(`oci:${LAYOUT}:app-node`, { cache: null });
  });

  it('finds Debian 12.15 and all 88 dpkg packages, each with its source package, in layer 0', () => {
    expect(r.os).toMatchObject({ family: 'debian', version: '12.15' });
    const debs = byType(r, 'deb');
    expect(debs).toHaveLength(88);
    expect(debs.every((p) => p.sourceName && p.layer?.index === 0)).toBe(true);
    expect(debs.find((p) => p.name === 'libc6')).toMatchObject({ sourceName: 'glibc', version: '2.36-9+deb12u14' });
    expect(debs.find((p) => p.name === 'zlib1g')).toMatchObject({ epoch: 1, sourceName: 'zlib' });
  });

  it('finds the 69 npm packages of node_modules in layer 1, including the old ones', () => {
    const npm = byType(r, 'npm');
    expect(npm).toHaveLength(69);
    for (const want of ['lodash@4.17.15', 'minimist@1.2.0', 'jsonwebtoken@8.5.1', 'axios@0.21.0', 'express@4.17.1', 'semver@5.7.1', 'ws@7.4.5']) {
      const [name, version] = want.split('@');
      const p = npm.find((x) => x.name === name && x.version === version);
      expect(p, want).toBeDefined();
      expect(p!.layer?.index).toBe(1);
      expect(p!.layer?.createdBy).toBeTruthy();
    }
  });

  it('reads the Go build info of /usr/local/bin/umoci: Go version and package path', () => {
    // Debian builds umoci outside module mode, so its build info has no mod/dep lines (as `go version -m` shows).
    const go = byType(r, 'golang');
    expect(go.map((p) => `${p.name}@${p.version}`)).toEqual(['stdlib@1.19.8']);
    expect(go[0]!.locations).toEqual(['/usr/local/bin/umoci']);
    expect(go[0]!.layer?.index).toBe(1);
    expect(go[0]!.properties?.['go.path']).toBe('github.com/opencontainers/umoci/cmd/umoci');
  });

  it('no longer counts /etc/issue.net, which layer 2 deleted, among base-files\' files', () => {
    const baseFiles = r.packages.find((p) => p.name === 'base-files')!;
    expect(baseFiles.files).toBeDefined();
    expect(baseFiles.files).toContain('/etc/issue');
    expect(baseFiles.files).not.toContain('/etc/issue.net');
  });

  it('keeps the setuid /app/server.js with the layer that made it setuid', () => {
    const f = r.notableFiles?.find((n) => n.path === '/app/server.js');
    expect(f?.reasons).toContain('setuid');
    expect(f?.layer?.index).toBe(2);
  });

  it('keeps the image configuration for the hardening checks', () => {
    expect(r.image?.config.user).toBeUndefined();
    expect(r.image?.config.exposedPorts).toEqual(['22/tcp', '3000/tcp']);
    expect(r.image?.config.env?.some((e) => e.startsWith('DB_PASSWORD='))).toBe(true);
    expect(r.image?.manifestDigest).toBe('sha256:3982402ce2dfc774c527285f0012709159d477736376cefed850c05305cf88fe');
    expect(r.image?.layers).toHaveLength(4);
  });

  describe.skipIf(!haveSkopeo)('the same image converted with skopeo', () => {
    for (const transport of ['docker-archive', 'oci-archive'] as const) {
      it(`gives the same inventory from a ${transport}`, async () => {
        const file = path.join(tempDir(), `app-node.${transport}.tar`);
        const dest = transport === 'docker-archive' ? `${transport}:${file}:example/app-node:1.0` : `${transport}:${file}`;
        execFileSync('skopeo', ['copy', '-q', `oci:${LAYOUT}:app-node`, dest], { stdio: 'pipe' });
        const converted = await scanImage(file, { cache: null });
        expect(converted.packages.map(key).sort()).toEqual(r.packages.map(key).sort());
        expect(converted.packages.map((p) => p.layer?.diffID)).toEqual(r.packages.map((p) => p.layer?.diffID));
        expect(converted.os).toEqual(r.os);
      });
    }
  });
});

describe.skipIf(!haveShared)('fixture app-python', () => {
  it('finds 124 dpkg packages and marks the Python packages Debian installed as owned by them', async () => {
    const r = await scanImage(`oci:${LAYOUT}:app-python`, { cache: null });
    expect(byType(r, 'deb')).toHaveLength(124);
    const py = byType(r, 'pypi');
    for (const name of ['requests', 'PyYAML', 'Jinja2', 'urllib3']) {
      const p = py.find((x) => x.name.toLowerCase() === name.toLowerCase());
      expect(p, name).toBeDefined();
      expect(p!.ownedBy?.type, name).toBe('deb');
      expect(p!.layer?.index).toBe(1);
    }
    expect(r.image?.config.user).toBe('10001:10001');
  });
});
