import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LayerCache } from '../cache/layer-cache.js';
import { BulkheadError } from '../core/errors.js';
import type { Analyzer } from '../inventory/analyzer.js';
import { sha256, tempDir, writeDockerArchive, writeOciLayout, type TestImage } from '../../test/helpers/image-builder.js';
import { scanDirectory, scanImage } from './scan.js';

/**
 * A tiny analyzer with a format of its own ("name version" per line in *.pkgs
 * files) so these tests exercise the pipeline's mechanics (layers, whiteouts,
 * caching, verification) independently of any real package format.
 */
function listAnalyzer(version = 1): Analyzer {
  return {
    id: 'test-list',
    version,
    description: 'test package lists',
    targets: ['image', 'rootfs', 'fs'],
    wants: (p) => p.endsWith('.pkgs'),
    analyze: ({ content }) => ({
      packages: content
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name, v] = line.split(' ');
          return { type: 'npm' as const, name: name!, version: v! };
        }),
    }),
  };
}

const base: TestImage = {
  layers: [
    {
      entries: [
        { name: 'etc/', type: 'directory' },
        { name: 'etc/db.pkgs', content: 'alpha 1.0\nbeta 2.0\n' },
        { name: 'opt/tool/tool.pkgs', content: 'tool 0.1\n' },
        { name: 'usr/bin/su', content: 'x', mode: 0o4755 },
      ],
      createdBy: 'ADD base',
    },
    {
      entries: [
        { name: 'etc/db.pkgs', content: 'alpha 1.0\nbeta 2.0\ngamma 3.0\n' },
        { name: 'opt/.wh..wh..opq', content: '' },
        { name: 'opt/new.pkgs', content: 'fresh 9.9\n' },
      ],
      compression: 'zstd',
      createdBy: 'RUN install gamma',
    },
    {
      entries: [
        { name: 'usr/bin/.wh.su', content: '' },
        { name: 'app/a.pkgs', content: 'app 1.2.3\n' },
        { name: 'app/b.pkgs', type: 'link', linkname: 'app/a.pkgs' },
      ],
      compression: 'none',
      createdBy: 'COPY app',
    },
  ],
};

const names = (r: { packages: Array<{ name: string; version: string }> }) => r.packages.map((p) => `${p.name}@${p.version}`).sort();

describe('scanImage over an OCI layout', () => {
  it('applies whiteouts and opaque dirs and attributes each package to the layer that added it', async () => {
    const { dir, layers } = await writeOciLayout(base);
    const r = await scanImage(`oci:${dir}:test`, { analyzers: [listAnalyzer()], cache: null });
    expect(names(r)).toEqual(['alpha@1.0', 'app@1.2.3', 'app@1.2.3', 'beta@2.0', 'fresh@9.9', 'gamma@3.0']);
    const byName = (n: string) => r.packages.find((p) => p.name === n)!;
    expect(byName('alpha').layer?.index).toBe(0);
    expect(byName('gamma').layer?.index).toBe(1);
    expect(byName('gamma').layer?.diffID).toBe(layers[1]!.diffID);
    expect(byName('gamma').layer?.createdBy).toBe('RUN install gamma');
    expect(byName('fresh').layer?.index).toBe(1);
    // tool.pkgs sat under /opt, which layer 1 made opaque.
    expect(r.packages.some((p) => p.name === 'tool')).toBe(false);
    // The hard link carries the same facts under its own path.
    expect(r.packages.filter((p) => p.name === 'app').map((p) => p.locations[0]).sort()).toEqual(['/app/a.pkgs', '/app/b.pkgs']);
    // The setuid file was deleted by layer 2.
    expect(r.notableFiles).toEqual([]);
    expect(r.image?.layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.oci.image.layer.v1.tar+zstd',
      'application/vnd.oci.image.layer.v1.tar',
    ]);
    expect(r.stats.layersRead).toBe(3);
  });

  it('keeps setuid files that survive, with their layer', async () => {
    const { dir } = await writeOciLayout({ layers: [base.layers[0]!] });
    const r = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null });
    expect(r.notableFiles).toEqual([expect.objectContaining({ path: '/usr/bin/su', reasons: ['setuid'], mode: 0o4755 })]);
    expect(r.notableFiles?.[0]?.layer?.index).toBe(0);
  });

  it('refuses a layer blob whose content does not match its digest, naming the layer', async () => {
    const { dir, layers } = await writeOciLayout(base);
    const blobFile = path.join(dir, 'blobs/sha256', layers[0]!.digest.slice(7));
    // Same tar, compressed differently: the diffID still matches, the blob digest does not.
    writeFileSync(blobFile, gzipSync(layers[0]!.tar, { level: 1 }));
    const err = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkheadError);
    expect((err as BulkheadError).code).toBe('DIGEST_MISMATCH');
    expect((err as BulkheadError).where).toContain(`layer 0 (${layers[0]!.digest})`);
  });

  it('refuses a truncated gzip layer with a one-line error', async () => {
    const { dir, layers } = await writeOciLayout(base);
    const blobFile = path.join(dir, 'blobs/sha256', layers[0]!.digest.slice(7));
    writeFileSync(blobFile, layers[0]!.blob.subarray(0, layers[0]!.blob.length - 30));
    const err = (await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null }).catch((e: unknown) => e)) as BulkheadError;
    expect(err.code).toBe('ARCHIVE_CORRUPT');
    expect(err.exitCode).toBe(2);
    expect(err.describe()).not.toContain('\n');
  });

  it('refuses a manifest that was altered after it was indexed', async () => {
    const { dir, manifestDigest } = await writeOciLayout(base);
    const file = path.join(dir, 'blobs/sha256', manifestDigest.slice(7));
    writeFileSync(file, readFileSync(file, 'utf8').replace('"schemaVersion":2', '"schemaVersion":2 '));
    const err = (await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null }).catch((e: unknown) => e)) as BulkheadError;
    expect(err.code).toBe('DIGEST_MISMATCH');
  });

  for (const [label, name] of [
    ['climbs out with ..', '../../etc/evil.pkgs'],
    ['is absolute', '/etc/evil.pkgs'],
  ] as const) {
    it(`refuses a layer entry that ${label}`, async () => {
      const { dir } = await writeOciLayout({ layers: [{ entries: [{ name, content: 'evil 1\n' }] }] });
      const err = (await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null }).catch((e: unknown) => e)) as BulkheadError;
      expect(err.code).toBe('ARCHIVE_UNSAFE');
      expect(err.where).toContain('layer 0');
    });
  }

  it('says loudly when an image holds no packages, unless told that is expected', async () => {
    const { dir } = await writeOciLayout({ layers: [{ entries: [{ name: 'hello', content: 'hi' }] }] });
    const err = (await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null }).catch((e: unknown) => e)) as BulkheadError;
    expect(err.code).toBe('NOTHING_FOUND');
    const ok = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null, requirePackages: false });
    expect(ok.notices.some((n) => n.message.includes('no OS or language packages'))).toBe(true);
  });

  it('reads no layer on a rescan, and every layer again when an analyzer changes', async () => {
    const { dir } = await writeOciLayout(base);
    const cache = LayerCache.open(tempDir());
    try {
      const cold = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache });
      const warm = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache });
      expect(cold.stats.layersRead).toBe(3);
      expect(warm.stats.layersRead).toBe(0);
      expect(warm.stats.layersFromCache).toBe(3);
      expect(warm.packages).toEqual(cold.packages);
      const bumped = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer(2)], cache });
      expect(bumped.stats.layersRead).toBe(3);
    } finally {
      cache.close();
    }
  });
});

describe('scanImage over docker-archive', () => {
  for (const gzip of [false, true]) {
    it(`finds the same packages as the OCI layout (${gzip ? 'gzip' : 'plain'} archive)`, async () => {
      const file = path.join(tempDir(), gzip ? 'image.tar.gz' : 'image.tar');
      await writeDockerArchive(base, file, { gzip });
      const { dir } = await writeOciLayout(base);
      const fromArchive = await scanImage(file, { analyzers: [listAnalyzer()], cache: null });
      const fromLayout = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer()], cache: null });
      expect(names(fromArchive)).toEqual(names(fromLayout));
      expect(fromArchive.packages.map((p) => p.layer?.diffID)).toEqual(fromLayout.packages.map((p) => p.layer?.diffID));
      expect(fromArchive.image?.repoTags).toEqual(['example/test:1.0']);
      expect(fromArchive.image?.configDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    });
  }

  it('refuses a layer tar whose content does not match the diffID in the config', async () => {
    const file = path.join(tempDir(), 'image.tar');
    const layers = await writeDockerArchive(base, file);
    // Flip one byte inside the first layer's file content (same size, so the archive stays well-formed).
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from('alpha 1.0'));
    bytes[at] = 'A'.charCodeAt(0);
    writeFileSync(file, bytes);
    const err = (await scanImage(file, { analyzers: [listAnalyzer()], cache: null }).catch((e: unknown) => e)) as BulkheadError;
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(layers[0]!.diffID);
  });
});

describe('multi-platform indexes', () => {
  it('picks the requested platform and names the available ones when it is missing', async () => {
    const amd = await writeOciLayout({ layers: [{ entries: [{ name: 'a.pkgs', content: 'amd 1\n' }] }] });
    const arm = await writeOciLayout({ architecture: 'arm64', layers: [{ entries: [{ name: 'a.pkgs', content: 'arm 1\n' }] }] }, amd.dir, 'arm');
    // Re-point index.json at a multi-platform index of the two manifests.
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd.manifestDigest, size: readFileSync(path.join(amd.dir, 'blobs/sha256', amd.manifestDigest.slice(7))).length, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: arm.manifestDigest, size: readFileSync(path.join(amd.dir, 'blobs/sha256', arm.manifestDigest.slice(7))).length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      }),
    );
    const indexHex = sha256(index);
    writeFileSync(path.join(amd.dir, 'blobs/sha256', indexHex), index);
    writeFileSync(
      path.join(amd.dir, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${indexHex}`, size: index.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] }),
    );
    const def = await scanImage(`oci:${amd.dir}:multi`, { analyzers: [listAnalyzer()], cache: null });
    expect(names(def)).toEqual(['amd@1']);
    expect(def.image?.indexDigest).toBe(`sha256:${indexHex}`);
    const a = await scanImage(`oci:${amd.dir}:multi`, { analyzers: [listAnalyzer()], cache: null, platform: { os: 'linux', architecture: 'arm64' } });
    expect(names(a)).toEqual(['arm@1']);
    expect(a.image?.architecture).toBe('arm64');
    const err = (await scanImage(`oci:${amd.dir}:multi`, { analyzers: [listAnalyzer()], cache: null, platform: { os: 'linux', architecture: 's390x' } }).catch((e: unknown) => e)) as BulkheadError;
    expect(err.code).toBe('PLATFORM_NOT_FOUND');
    expect(err.hint).toContain('linux/arm64/v8');
  });
});

describe('scanDirectory', () => {
  it('never follows a symlink out of the root', async () => {
    const outside = tempDir();
    writeFileSync(path.join(outside, 'secret.pkgs'), 'leaked 1.0\n');
    const root = tempDir();
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(path.join(root, 'etc/db.pkgs'), 'inside 1.0\n');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(path.join(outside, 'secret.pkgs'), path.join(root, 'etc/link.pkgs'));
    symlinkSync(outside, path.join(root, 'escape'));
    const r = await scanDirectory(root, 'rootfs', { analyzers: [listAnalyzer()] });
    expect(names(r)).toEqual(['inside@1.0']);
    expect(r.packages[0]!.locations).toEqual(['/etc/db.pkgs']);
  });
});

describe('findings analyzers make about files', () => {
  /** Reports every line starting with TOKEN= as a finding, like a secret rule would. */
  const tokenAnalyzer: Analyzer = {
    id: 'test-token',
    version: 1,
    description: 'test token lines',
    targets: ['image', 'rootfs', 'fs'],
    scanner: 'secret',
    wants: (p) => p.endsWith('.env'),
    analyze: ({ path: p, content }) => ({
      findings: content
        .toString('utf8')
        .split('\n')
        .flatMap((line, i) =>
          line.startsWith('TOKEN=')
            ? [{ kind: 'secret' as const, id: 'TEST-TOKEN', title: 'a token', severity: 'high' as const, location: { path: p, startLine: i + 1 }, references: [], evidence: 'TOKEN=****' }]
            : [],
        ),
    }),
  };
  const image: TestImage = {
    layers: [
      { entries: [{ name: 'etc/db.pkgs', content: 'alpha 1.0\n' }, { name: 'app/.env', content: 'A=1\nTOKEN=abc\n' }, { name: 'app/kept.env', content: 'TOKEN=def\n' }] },
      { entries: [{ name: 'app/.wh..env', content: '' }] },
    ],
  };

  it('reports a secret a later layer deleted, with the layer that still holds it', async () => {
    const { dir, layers } = await writeOciLayout(image);
    const r = await scanImage(`oci:${dir}`, { analyzers: [listAnalyzer(), tokenAnalyzer], cache: null });
    const byPath = new Map(r.findings.filter((f) => f.id === 'TEST-TOKEN').map((f) => [f.location.path, f]));
    expect([...byPath.keys()].sort()).toEqual(['/app/.env', '/app/kept.env']);
    expect(byPath.get('/app/.env')).toMatchObject({ location: { startLine: 2, layer: { index: 0, diffID: layers[0]!.diffID } } });
    expect(byPath.get('/app/.env')!.title).toContain("removed or replaced in a later layer, but still in the image's layer 0");
    expect(byPath.get('/app/kept.env')!.title).toBe('a token');
  });

  it('runs an analyzer only when its scanner is selected', async () => {
    const { analyzersFor } = await import('../inventory/registry.js');
    expect(analyzersFor('image', ['vuln'], [listAnalyzer(), tokenAnalyzer]).map((a) => a.id)).toEqual(['test-list']);
    expect(analyzersFor('image', ['secret'], [listAnalyzer(), tokenAnalyzer]).map((a) => a.id)).toEqual(['test-list', 'test-token']);
  });
});
