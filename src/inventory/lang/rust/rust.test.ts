import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../../analyzer.js';
import { buildElf } from '../go/testdata/elf-builder.js';
import { parseAuditableJson, rustBinaryAnalyzer } from './auditable.js';
import { cargoLockAnalyzer } from './cargo-lock.js';

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const info = (path: string, size: number, mode = 0o100755): FileInfo => ({ path, size, mode, uid: 0, gid: 0 });
const binary = (content: Buffer) => rustBinaryAnalyzer.analyze({ path: '/usr/bin/hello', info: info('/usr/bin/hello', content.length), content }, { targetKind: 'image' });
const lock = (content: Buffer) => cargoLockAnalyzer.analyze({ path: '/Cargo.lock', info: info('/Cargo.lock', content.length, 0o100644), content }, { targetKind: 'fs' });
const CRATES_IO = 'registry+https://github.com/rust-lang/crates.io-index';

const withDepSection = (data: Buffer) =>
  buildElf({ bits: 64, littleEndian: true, sections: [{ name: '.text', addr: 0x1000, data: Buffer.alloc(32, 0x90) }, { name: '.dep-v0', addr: 0, data }] });

describe('rust-binary analyzer (cargo-auditable)', () => {
  it('reads the runtime crates of a real ELF with a .dep-v0 section, leaving build-time crates out', async () => {
    const r = await binary(testdata('auditable-hello'));
    const crate = (name: string, version: string, source = 'crates.io') => ({ type: 'cargo', name, version, properties: { 'cargo.source': source } });
    expect(r).toEqual({
      packages: [
        crate('anyhow', '1.0.86'),
        crate('itoa', '1.0.11'),
        crate('memchr', '2.7.4'),
        crate('ryu', '1.0.18'),
        crate('serde', '1.0.204'),
        crate('serde_json', '1.0.120'),
        crate('vendored-util', '0.3.0', 'git'),
        { type: 'cargo', name: 'bulkhead-hello', version: '0.1.0', properties: { 'cargo.source': 'local', main: 'true' } },
      ],
    });
  });

  it('returns null fast for executables without the section, and warns about damaged data', async () => {
    expect(await binary(buildElf({ bits: 64, littleEndian: true, sections: [{ name: '.text', addr: 0x1000, data: Buffer.alloc(64) }] }))).toBeNull();
    expect(await binary(Buffer.from('#!/bin/sh\necho .dep-v0\n'.repeat(8)))).toBeNull();
    expect(await binary(withDepSection(Buffer.from('not zlib at all')))).toEqual({ warnings: ['.dep-v0 is not zlib data'] });
    const bomb = deflateSync(Buffer.alloc(9 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(20_000);
    expect(await binary(withDepSection(bomb))).toEqual({ warnings: ['.dep-v0 inflates beyond 8388608 bytes, not read'] });
    expect(await binary(withDepSection(deflateSync('{"packages":{}}')))).toEqual({ packages: [], warnings: ['cargo-auditable data has no "packages" list'] });
  });

  it('skips entries without a valid name and version', () => {
    const r = parseAuditableJson('{"packages":[{"name":"ok","version":"1.2.3","source":"registry"},{"name":"../x","version":"1"},{"version":"1.0.0"},null]}');
    expect(r).toEqual({
      packages: [{ type: 'cargo', name: 'ok', version: '1.2.3', properties: { 'cargo.source': 'registry' } }],
      warnings: ['cargo-auditable data: 3 packages without a valid name and version skipped'],
    });
  });

  it('never throws on random or mutated executables', async () => {
    const real = testdata('auditable-hello');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
          fc.array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 30 }).map((edits) => {
            const b = Buffer.from(real);
            for (const [at, v] of edits) b[at] = v;
            return b;
          }),
        ),
        async (content) => {
          await binary(content);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('cargo-lock analyzer', () => {
  it('reads a version 4 lock file: workspace crates kept as local, indirect crates marked', async () => {
    const r = await lock(testdata('Cargo.lock.v4'));
    const got = r?.packages?.map((p) => `${p.name}@${p.version} ${p.properties?.['cargo.source']}${p.indirect ? ' indirect' : ''}`);
    expect(got).toEqual([
      `anyhow@1.0.86 ${CRATES_IO}`,
      `bitflags@1.3.2 ${CRATES_IO} indirect`,
      `bitflags@2.6.0 ${CRATES_IO}`,
      'bulkhead-cli@0.1.0 local',
      'bulkhead-core@0.1.0 local',
      `clap@2.34.0 ${CRATES_IO}`,
      `itoa@1.0.11 ${CRATES_IO} indirect`,
      `memchr@2.7.4 ${CRATES_IO} indirect`,
      `proc-macro2@1.0.86 ${CRATES_IO} indirect`,
      `quote@1.0.36 ${CRATES_IO} indirect`,
      `ryu@1.0.18 ${CRATES_IO} indirect`,
      `serde@1.0.204 ${CRATES_IO}`,
      `serde_derive@1.0.204 ${CRATES_IO} indirect`,
      `serde_json@1.0.120 ${CRATES_IO}`,
      `syn@2.0.72 ${CRATES_IO} indirect`,
      'tar-parse@0.4.1 git+https://github.com/example/tar-parse?branch=main#8e1c6f1a2b3d4c5e6f708192a3b4c5d6e7f80912',
      `textwrap@0.11.0 ${CRATES_IO} indirect`,
      `unicode-ident@1.0.12 ${CRATES_IO} indirect`,
      `unicode-width@0.1.13 ${CRATES_IO} indirect`,
    ]);
    expect(r?.warnings).toBeUndefined();
  });

  it('reads a version 1 lock file with `name version (source)` references', async () => {
    const r = await lock(testdata('Cargo.lock.v1'));
    expect(r?.packages).toEqual([
      { type: 'cargo', name: 'bulkhead-hello', version: '0.1.0', properties: { 'cargo.source': 'local' } },
      { type: 'cargo', name: 'getrandom', version: '0.1.13', properties: { 'cargo.source': CRATES_IO }, indirect: true },
      { type: 'cargo', name: 'libc', version: '0.2.66', properties: { 'cargo.source': CRATES_IO } },
      { type: 'cargo', name: 'rand', version: '0.7.2', properties: { 'cargo.source': CRATES_IO } },
    ]);
  });

  it('warns about invalid TOML and skips entries without name or version', async () => {
    expect(await lock(Buffer.from('[[package]]\nname = "x"\nversion = \n'))).toEqual({ packages: [], warnings: ['not valid TOML (line 3)'] });
    expect(await lock(Buffer.from('[[package]]\nname = "x"\n\n[[package]]\nname = "y"\nversion = "1.0.0"\n'))).toEqual({
      packages: [{ type: 'cargo', name: 'y', version: '1.0.0', properties: { 'cargo.source': 'local' } }],
      warnings: ['1 [[package]] entries without name and version skipped'],
    });
    expect(cargoLockAnalyzer.wants('/src/Cargo.lock', info('/x', 10))).toBe(true);
    expect(cargoLockAnalyzer.wants('/src/Cargo.toml', info('/x', 10))).toBe(false);
  });

  it('never throws on random or mutated lock files', async () => {
    const text = testdata('Cargo.lock.v4').toString();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 1000 }),
          fc.array(fc.tuple(fc.nat(text.length), fc.string({ maxLength: 4 })), { maxLength: 10 }).map((edits) => {
            let t = text;
            for (const [at, s] of edits) t = t.slice(0, at) + s + t.slice(at + 1);
            return t;
          }),
        ),
        async (t) => {
          await lock(Buffer.from(t));
        },
      ),
      { numRuns: 200 },
    );
  });
});
