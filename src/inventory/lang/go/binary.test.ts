import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, FileInfo } from '../../analyzer.js';
import { goBinaryAnalyzer, stdlibVersion } from './binary.js';
import { readBuildInfo } from './buildinfo.js';
import { parseExecutable } from './executable.js';
import { parseModInfo } from './modinfo.js';
import { buildElf } from './testdata/elf-builder.js';
import { hasShared as hasSharedImages, layerDigests, readLayerFiles } from '../../../../test/helpers/shared-fixtures.js';
import { bestOf3Async, withinBaselineAsync } from '../../../../test/helpers/relative-time.js';

const testdata = new URL('./testdata/', import.meta.url);
/** Built by testdata/hello/build.sh with Go 1.19.8: module example.com/hello, one dependency replaced by ./greet. */
const binary = (name: string) => gunzipSync(readFileSync(new URL(name, testdata)));
const linux = binary('hello-linux-amd64.gz');

const info = (path: string, size: number, mode = 0o100755): FileInfo => ({ path, size, mode, uid: 0, gid: 0 });

async function analyze(path: string, content: Buffer): Promise<AnalysisResult | null> {
  return goBinaryAnalyzer.analyze({ path, info: info(path, content.length), content }, { targetKind: 'image' });
}

/** Modinfo text as the Go linker writes it: 16 bytes of sentinel on each side. */
function wrapModinfo(text: string): Buffer {
  return Buffer.concat([
    Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex'),
    Buffer.from(text),
    Buffer.from('f932433186182072008242104116d8f2', 'hex'),
  ]);
}

/** A pre-1.18 binary: the header points at Go string headers in `.noptrdata`, strings in `.rodata`. */
function pointerFormElf(bits: 32 | 64, littleEndian: boolean, goVersion: string, modinfo: string): Buffer {
  const ptr = bits / 8;
  const rodataAddr = 0x401000;
  const noptrAddr = 0x500000;
  const buildinfoAddr = 0x510000;
  const version = Buffer.from(goVersion);
  const mod = wrapModinfo(modinfo);
  const rodata = Buffer.concat([version, mod]);
  const noptr = Buffer.alloc(ptr * 4);
  const put = (b: Buffer, at: number, v: number) => {
    if (ptr === 8 && littleEndian) b.writeBigUInt64LE(BigInt(v), at);
    else if (ptr === 8) b.writeBigUInt64BE(BigInt(v), at);
    else if (littleEndian) b.writeUInt32LE(v, at);
    else b.writeUInt32BE(v, at);
  };
  put(noptr, 0, rodataAddr);
  put(noptr, ptr, version.length);
  put(noptr, ptr * 2, rodataAddr + version.length);
  put(noptr, ptr * 3, mod.length);
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = ptr;
  header[15] = littleEndian ? 0 : 1;
  put(header, 16, noptrAddr);
  put(header, 16 + ptr, noptrAddr + ptr * 2);
  return buildElf({
    bits,
    littleEndian,
    sections: [
      { name: '.rodata', addr: rodataAddr, data: rodata },
      { name: '.noptrdata', addr: noptrAddr, data: noptr, writable: true },
      { name: '.go.buildinfo', addr: buildinfoAddr, data: header, writable: true },
    ],
  });
}

const HELLO_PACKAGES = [
  { type: 'golang', name: 'stdlib', version: '1.19.8' },
  {
    type: 'golang',
    name: 'example.com/hello',
    version: '(devel)',
    properties: { main: 'true', 'go.version': 'go1.19.8', 'go.path': 'example.com/hello', 'go.GOOS': 'linux', 'go.GOARCH': 'amd64' },
  },
  { type: 'golang', name: 'example.com/greet', version: '(devel)', properties: { 'go.replacement': './greet' } },
];

describe('go-binary analyzer', () => {
  it('reads the build info of a real Go 1.19 ELF binary like `go version -m`', async () => {
    const raw = readBuildInfo(linux);
    expect(raw).toMatchObject({ ok: true, info: { goVersion: 'go1.19.8' } });
    expect(raw?.ok && raw.info.modinfo.split('\n').slice(0, 4)).toEqual([
      'path\texample.com/hello',
      'mod\texample.com/hello\t(devel)\t',
      'dep\texample.com/greet\tv0.1.0',
      '=>\t./greet\t(devel)\t',
    ]);
    expect(await analyze('/usr/local/bin/hello', linux)).toEqual({ packages: HELLO_PACKAGES });
  });

  it('reads the same module list from the Mach-O and PE builds', async () => {
    const mac = await analyze('/hello', binary('hello-darwin-arm64.gz'));
    expect(mac?.packages?.map((p) => `${p.name}@${p.version}`)).toEqual(['stdlib@1.19.8', 'example.com/hello@(devel)', 'example.com/greet@(devel)']);
    expect(mac?.packages?.[1]?.properties).toMatchObject({ 'go.GOOS': 'darwin', 'go.GOARCH': 'arm64' });
    const win = await analyze('/hello.exe', binary('hello-windows-amd64.exe.gz'));
    expect(win?.packages?.map((p) => `${p.name}@${p.version}`)).toEqual(['stdlib@1.19.8', 'example.com/hello@(devel)', 'example.com/greet@(devel)']);
    expect(win?.packages?.[1]?.properties).toMatchObject({ 'go.GOOS': 'windows', 'go.GOARCH': 'amd64' });
  });

  it('locates the sections of the real binaries', () => {
    const elf = parseExecutable(linux)!;
    expect(elf).toMatchObject({ format: 'elf', pointerSize: 8, littleEndian: true });
    expect(elf.sections.find((s) => s.name === '.go.buildinfo')).toMatchObject({ writable: true });
    const mac = parseExecutable(binary('hello-darwin-arm64.gz'))!;
    expect(mac.sections.find((s) => s.name === '__go_buildinfo')?.segment).toBe('__DATA');
    const pe = parseExecutable(binary('hello-windows-amd64.exe.gz'))!;
    expect(pe.sections.map((s) => s.name)).toContain('.data');
  });

  it('follows the pointers of pre-1.18 build info, 64-bit little-endian and 32-bit big-endian', async () => {
    const modinfo = [
      'path\tgithub.com/example/tool/cmd/tool',
      'mod\tgithub.com/example/tool\tv1.4.0\th1:abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq=',
      'dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=',
      'dep\tgolang.org/x/sys\tv0.0.0-20210124154548-22da62e12c0c\th1:VwygUrnw9jn88c4u8GD3rZQbqrP/tgas88tPUbBxQrk=',
      'dep\tgithub.com/sirupsen/logrus\tv1.4.2',
      '=>\tgithub.com/sirupsen/logrus\tv1.8.1\th1:dJKuHgqk1NNQlqoA6BTlM1Wf9DOH3NBjQyu0h9+AZZE=',
      '',
    ].join('\n');
    for (const [bits, le] of [[64, true], [32, false]] as const) {
      const elf = pointerFormElf(bits, le, 'go1.16.15', modinfo);
      const r = await analyze('/usr/bin/tool', elf);
      expect(r?.packages, `${bits}-bit`).toEqual([
        { type: 'golang', name: 'stdlib', version: '1.16.15' },
        {
          type: 'golang',
          name: 'github.com/example/tool',
          version: 'v1.4.0',
          properties: { main: 'true', 'go.version': 'go1.16.15', 'go.path': 'github.com/example/tool/cmd/tool' },
        },
        { type: 'golang', name: 'github.com/pkg/errors', version: 'v0.9.1' },
        { type: 'golang', name: 'golang.org/x/sys', version: 'v0.0.0-20210124154548-22da62e12c0c' },
        { type: 'golang', name: 'github.com/sirupsen/logrus', version: 'v1.8.1', properties: { 'go.replaces': 'github.com/sirupsen/logrus@v1.4.2' } },
      ]);
    }
  });

  it('reports an unreadable header instead of failing, and ignores executables without build info', async () => {
    const broken = pointerFormElf(64, true, 'go1.16.15', 'path\tx\n');
    const header = broken.indexOf('\xff Go buildinf:', 0, 'latin1');
    broken.writeBigUInt64LE(0xdead0000n, header + 16);
    expect(await analyze('/bin/broken', broken)).toEqual({ warnings: ['Go build info: version pointer does not resolve'] });

    const plain = buildElf({ bits: 64, littleEndian: true, sections: [{ name: '.text', addr: 0x1000, data: Buffer.alloc(64, 0x90) }] });
    expect(await analyze('/bin/true', plain)).toBeNull();
    expect(await analyze('/usr/local/bin/run.sh', Buffer.from('#!/bin/sh\nexec /app/server "$@"\n'.repeat(4)))).toBeNull();
  });

  it('wants executables only, outside data directories and script extensions', () => {
    expect(goBinaryAnalyzer.wants('/usr/local/bin/umoci', info('/usr/local/bin/umoci', 6_250_560))).toBe(true);
    expect(goBinaryAnalyzer.wants('/app/node_modules/@esbuild/linux-x64/bin/esbuild', info('/x', 9_000_000))).toBe(true);
    expect(goBinaryAnalyzer.wants('/usr/local/bin/umoci', info('/x', 6_250_560, 0o100644))).toBe(false);
    expect(goBinaryAnalyzer.wants('/usr/share/doc/x/run', info('/x', 1000))).toBe(false);
    expect(goBinaryAnalyzer.wants('/app/start.sh', info('/x', 1000))).toBe(false);
    expect(goBinaryAnalyzer.wants('/usr/bin/huge', info('/x', 300 * 1024 * 1024))).toBe(false);
  });

  it('parses quoted build settings and keeps line numbers of bad lines', () => {
    const m = parseModInfo(
      'path\tcmd/x\nmod\tcmd/x\t(devel)\t\nbuild\t-ldflags="-s -w -X \\"main.version=1.0\\""\nbuild\tvcs.revision=0123abcd\nbuild\t"we ird"=1\nnonsense line\ndep\n',
    );
    expect(m.settings.get('-ldflags')).toBe('-s -w -X "main.version=1.0"');
    expect(m.settings.get('vcs.revision')).toBe('0123abcd');
    expect(m.settings.get('we ird')).toBe('1');
    expect(m.bad).toEqual([6, 7]);
    expect(stdlibVersion('go1.22.3 X:boringcrypto')).toBe('1.22.3');
    expect(stdlibVersion('go1.21rc2')).toBe('1.21rc2');
    expect(stdlibVersion('devel go1.23-abcdef')).toBeNull();
  });

  it('never throws on random or mutated executables', async () => {
    const header = linux.subarray(0, 64 * 1024);
    const buildinfo = parseExecutable(linux)!.sections.find((s) => s.name === '.go.buildinfo')!;
    const pointer = pointerFormElf(32, false, 'go1.12', 'path\tx\nmod\tx\tv1.0.0\n');
    // Benign baseline: the whole, undamaged executable, as large as the largest fuzz input.
    const benignMs = await bestOf3Async(() => analyze('/bin/x', linux));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
          fc.tuple(fc.array(fc.tuple(fc.nat(header.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 40 })).map(([edits]) => {
            const b = Buffer.from(header);
            for (const [at, v] of edits) b[at] = v;
            return b;
          }),
          fc.array(fc.tuple(fc.nat(buildinfo.size - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }).map((edits) => {
            const b = Buffer.from(linux);
            for (const [at, v] of edits) b[buildinfo.offset + at] = v;
            return b;
          }),
          fc.array(fc.tuple(fc.nat(pointer.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }).map((edits) => {
            const b = Buffer.from(pointer);
            for (const [at, v] of edits) b[at] = v;
            return b;
          }),
        ),
        async (content) => {
          await withinBaselineAsync(benignMs, () => analyze('/bin/x', content));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe.skipIf(!hasSharedImages)('go-binary analyzer on the shared app-node image', () => {
  it('reads /usr/local/bin/umoci, a Debian GOPATH build: Go 1.19.8 and no module list', async () => {
    const layer = layerDigests('app-node')[1]!;
    const files = await readLayerFiles(layer, (p) => p === '/usr/local/bin/umoci');
    const umoci = files.get('/usr/local/bin/umoci')!;
    expect(goBinaryAnalyzer.wants('/usr/local/bin/umoci', info('/usr/local/bin/umoci', umoci.content.length, umoci.mode))).toBe(true);
    // Its build info has `path` and `build` lines only: Debian builds outside module mode.
    expect(await analyze('/usr/local/bin/umoci', umoci.content)).toEqual({
      packages: [
        {
          type: 'golang',
          name: 'stdlib',
          version: '1.19.8',
          properties: {
            'go.version': 'go1.19.8',
            'go.path': 'github.com/opencontainers/umoci/cmd/umoci',
            'go.GOOS': 'linux',
            'go.GOARCH': 'amd64',
          },
        },
      ],
    });
  });
});
