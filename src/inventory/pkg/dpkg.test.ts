import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisResult, Analyzer } from '../analyzer.js';
import { dependencyNames, dpkgAnalyzer, parseDpkgStatus } from './dpkg.js';
import { dpkgInfoAnalyzer } from './dpkg-info.js';
import { hasShared, layerDigests, layerFiles } from '../../../test/helpers/shared-fixtures.js';
import { bestOf3Async, withinBaselineAsync } from '../../../test/helpers/relative-time.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'dpkg');
const ctx = { targetKind: 'image' as const };
const info = (p: string, size: number) => ({ path: p, size, mode: 0o644, uid: 0, gid: 0 });

async function run(a: Analyzer, p: string, content: Buffer): Promise<AnalysisResult> {
  expect(a.wants(p, info(p, content.length))).toBe(true);
  const r = await a.analyze({ path: p, info: info(p, content.length), content }, ctx);
  if (!r) throw new Error('no result');
  return r;
}

describe('dpkg status', () => {
  it('reads the installed packages of a real status file', async () => {
    const r = await run(dpkgAnalyzer, '/var/lib/dpkg/status', readFileSync(path.join(testdata, 'status')));
    expect(r.warnings).toBeUndefined();
    const names = r.packages!.map((p) => p.name);
    // libssl1.1 (config-files) and libpython3.11-minimal (half-installed) are not installed.
    expect(names).toEqual(['base-files', 'bash', 'libc6', 'libcap2', 'libgcc-s1', 'util-linux']);
    const byName = new Map(r.packages!.map((p) => [p.name, p]));
    expect(byName.get('libc6')).toEqual({
      type: 'deb',
      name: 'libc6',
      version: '2.36-9+deb12u14',
      release: '9+deb12u14',
      arch: 'amd64',
      sourceName: 'glibc',
      sourceVersion: '2.36-9+deb12u14',
      properties: { 'deb.depends': 'libgcc-s1' },
    });
    // Source with its own version in parentheses (a binNMU: +b13 on the binary only).
    expect(byName.get('bash')).toMatchObject({
      version: '5.2.15-2+b13',
      sourceName: 'bash',
      sourceVersion: '5.2.15-2',
      properties: { 'deb.depends': 'libc6, libtinfo6, base-files, debianutils' },
    });
    // Epoch on both the binary and the source version.
    expect(byName.get('libcap2')).toMatchObject({
      version: '1:2.66-4+deb12u3+b1',
      epoch: 1,
      release: '4+deb12u3+b1',
      sourceName: 'libcap2',
      sourceVersion: '1:2.66-4+deb12u3',
    });
    // No Source field: the binary package is its own source.
    expect(byName.get('util-linux')).toMatchObject({ version: '2.38.1-5+deb12u3', sourceName: 'util-linux', sourceVersion: '2.38.1-5+deb12u3' });
    expect(byName.get('util-linux')?.properties?.['deb.depends']?.split(', ')).toHaveLength(14);
    // A native package: no Debian revision, so no release.
    expect(byName.get('base-files')).toMatchObject({ version: '12.4+deb12u15', arch: 'amd64', properties: { 'deb.depends': 'awk' } });
    expect(byName.get('base-files')!.release).toBeUndefined();
  });

  it('reads a distroless status.d file whatever its name, without a Status line', async () => {
    const r = await run(dpkgAnalyzer, '/var/lib/dpkg/status.d/0f3a2c1e', readFileSync(path.join(testdata, 'status.d', '0f3a2c1e')));
    expect(r).toEqual({
      packages: [
        {
          type: 'deb',
          name: 'tzdata',
          version: '2026b-0+deb12u1',
          release: '0+deb12u1',
          arch: 'all',
          sourceName: 'tzdata',
          sourceVersion: '2026b-0+deb12u1',
          properties: { 'deb.depends': 'debconf, debconf-2.0' },
        },
      ],
    });
  });

  it('wants status and status.d files only', () => {
    const wants = (p: string) => dpkgAnalyzer.wants(p, info(p, 1));
    expect(wants('/var/lib/dpkg/status')).toBe(true);
    expect(wants('/var/lib/dpkg/status.d/libc6')).toBe(true);
    expect(wants('/var/lib/dpkg/status.d/libc6.md5sums')).toBe(false);
    expect(wants('/var/lib/dpkg/status-old')).toBe(false);
    expect(wants('/var/lib/dpkg/status.d/x/y')).toBe(false);
    expect(wants('/srv/var/lib/dpkg/status')).toBe(false);
  });

  it('handles field case, CRLF, continuation lines and broken stanzas', () => {
    const text = [
      'package: a',
      'STATUS: install ok installed',
      'Version: 1.0-1',
      'Description: x',
      ' more',
      '',
      'Package: no-version',
      'Status: install ok installed',
      '',
      'Package: bad version',
      'Status: install ok installed',
      'Version: 1.0',
      '',
      'Package: c',
      'Status: install ok installed',
      'Version: 2:3 4',
      '',
      ' stray continuation',
      'garbage line',
      'Package: d',
      'Status: install ok installed',
      'Version: 0.1',
      'Source: (broken',
    ].join('\r\n');
    const r = parseDpkgStatus(text);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['a@1.0-1', 'd@0.1']);
    expect(r.packages[1]!.sourceName).toBe('d');
    expect(r.warnings).toEqual([
      'line 18: continuation line outside a field, skipped',
      'line 19: not a "Field: value" line, skipped',
      'line 7: no-version has no valid Version, skipped',
      'line 10: installed stanza without a valid Package field, skipped',
      'line 14: c has no valid Version, skipped',
      'line 20: d has an unreadable Source field, using the binary package',
    ]);
  });

  it('dependency names drop versions, arch qualifiers and duplicates', () => {
    expect(dependencyNames('libc6 (>= 2.34), python3:any, debconf (>= 0.5) | debconf-2.0, libc6')).toEqual(['libc6', 'python3', 'debconf', 'debconf-2.0']);
    expect(dependencyNames(undefined)).toEqual([]);
  });

  it('random and mutated bytes never throw and cost about what the real status file costs', async () => {
    const base = readFileSync(path.join(testdata, 'status'));
    const analyzeAt = (p: string, content: Buffer) => dpkgAnalyzer.analyze({ path: p, info: info(p, content.length), content }, ctx);
    const benignMs = await bestOf3Async(() => analyzeAt('/var/lib/dpkg/status', base));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 8192 }).map((a) => Buffer.from(a)),
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.constantFrom(0x0a, 0x20, 0x3a, 0x00, 0x28, 0x29, 0x41)), { maxLength: 40 }).map((edits) => {
            const b = Buffer.from(base);
            for (const [i, v] of edits) b[i] = v;
            return b;
          }),
        ),
        fc.constantFrom('/var/lib/dpkg/status', '/var/lib/dpkg/status.d/x'),
        async (content, p) => {
          await withinBaselineAsync(benignMs, async () => {
            const r = await analyzeAt(p, content);
            for (const pkg of r?.packages ?? []) expect(pkg.version).toMatch(/^\S+$/);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('dpkg info lists', () => {
  it('libc6:amd64.list: the package, its arch and its files without directories', async () => {
    const r = await run(dpkgInfoAnalyzer, '/var/lib/dpkg/info/libc6:amd64.list', readFileSync(path.join(testdata, 'info', 'libc6:amd64.list')));
    const [o] = r.ownership!;
    expect(o).toMatchObject({ type: 'deb', name: 'libc6', arch: 'amd64' });
    expect(o!.files).toContain('/etc/ld.so.conf.d/x86_64-linux-gnu.conf');
    expect(o!.files).toContain('/lib/x86_64-linux-gnu/libc.so.6');
    expect(o!.files).not.toContain('/etc');
    expect(o!.files).not.toContain('/etc/ld.so.conf.d');
    expect(o!.files).not.toContain('/.');
    expect(o!.files.length).toBeLessThan(302);
  });

  it('bash.list: no arch in the name', async () => {
    const r = await run(dpkgInfoAnalyzer, '/var/lib/dpkg/info/bash.list', readFileSync(path.join(testdata, 'info', 'bash.list')));
    const [o] = r.ownership!;
    expect(o!.arch).toBeUndefined();
    expect(o!.name).toBe('bash');
    expect(o!.files).toContain('/bin/bash');
    expect(o!.files).toContain('/etc/skel/.bashrc');
    expect(o!.files).not.toContain('/usr/share/doc');
  });

  it('keeps directories that only have siblings, like /usr/bin-x next to /usr/bin', async () => {
    const r = await run(dpkgInfoAnalyzer, '/var/lib/dpkg/info/x.list', Buffer.from('/.\n/usr\n/usr/bin\n/usr/bin-x\n/usr/bin/tool\n/var/empty\n'));
    expect(r.ownership![0]!.files).toEqual(['/usr/bin-x', '/usr/bin/tool', '/var/empty']);
  });

  it('wants only top-level .list files and rejects bad names', async () => {
    const wants = (p: string) => dpkgInfoAnalyzer.wants(p, info(p, 1));
    expect(wants('/var/lib/dpkg/info/bash.list')).toBe(true);
    expect(wants('/var/lib/dpkg/info/bash.md5sums')).toBe(false);
    expect(wants('/var/lib/dpkg/info/sub/bash.list')).toBe(false);
    expect(await run(dpkgInfoAnalyzer, '/var/lib/dpkg/info/..list', Buffer.from('/x\n'))).toEqual({ warnings: ['..list does not name a package'] });
  });

  it('random bytes never throw and finish quickly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 8192 }), async (bytes) => {
        const content = Buffer.from(bytes);
        const p = '/var/lib/dpkg/info/pkg:amd64.list';
        const r = await dpkgInfoAnalyzer.analyze({ path: p, info: info(p, content.length), content }, ctx);
        for (const f of r?.ownership?.[0]?.files ?? []) expect(f.startsWith('/')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(!hasShared)('dpkg on the shared images', () => {
  it('debian-bookworm: 88 installed packages, all with a source package', async () => {
    const files = await layerFiles(layerDigests('debian-bookworm')[0]!, (p) => p === '/var/lib/dpkg/status');
    const r = await run(dpkgAnalyzer, '/var/lib/dpkg/status', files.get('/var/lib/dpkg/status')!);
    expect(r.warnings).toBeUndefined();
    expect(r.packages).toHaveLength(88);
    expect(r.packages!.every((p) => p.sourceName && p.sourceVersion)).toBe(true);
    const byName = new Map(r.packages!.map((p) => [p.name, p]));
    expect(byName.get('login')).toMatchObject({ version: '1:4.13+dfsg1-1+deb12u2', epoch: 1, sourceName: 'shadow' });
    expect(byName.get('libsemanage-common')).toMatchObject({ arch: 'all' });
    expect(r.packages!.filter((p) => p.sourceVersion !== p.version)).toHaveLength(13);
  });

  it('app-python layer 2: 124 packages, and python3-requests owns its egg-info', async () => {
    const files = await layerFiles(layerDigests('app-python')[1]!, (p) => p === '/var/lib/dpkg/status' || dpkgInfoAnalyzer.wants(p, info(p, 0)));
    const status = await run(dpkgAnalyzer, '/var/lib/dpkg/status', files.get('/var/lib/dpkg/status')!);
    expect(status.packages).toHaveLength(124);
    expect(status.packages!.find((p) => p.name === 'python3-requests')).toMatchObject({
      version: '2.28.1+dfsg-1',
      sourceName: 'requests',
      arch: 'all',
    });
    const list = await run(dpkgInfoAnalyzer, '/var/lib/dpkg/info/python3-requests.list', files.get('/var/lib/dpkg/info/python3-requests.list')!);
    expect(list.ownership![0]!.files).toContain('/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO');
    expect(list.ownership![0]!.files).not.toContain('/usr/lib/python3/dist-packages/requests-2.28.1.egg-info');
  });
});
