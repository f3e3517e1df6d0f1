import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apkAnalyzer, apkNames, parseApkInstalled } from './apk.js';
import { hasShared, SHARED_ALPINE } from '../../../test/helpers/shared-fixtures.js';
import { bestOf3Async, withinBaselineAsync } from '../../../test/helpers/relative-time.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'apk');
const ctx = { targetKind: 'image' as const };
const P = '/lib/apk/db/installed';
const info = (size: number) => ({ path: P, size, mode: 0o644, uid: 0, gid: 0 });

async function analyze(content: Buffer) {
  const r = await apkAnalyzer.analyze({ path: P, info: info(content.length), content }, ctx);
  if (!r) throw new Error('no result');
  return r;
}

describe('apk installed database', () => {
  it('Alpine 3.6.0 minirootfs: 11 packages with origin, license and files', async () => {
    const r = await analyze(readFileSync(path.join(testdata, 'installed')));
    expect(r.warnings).toBeUndefined();
    expect(r.packages!.map((p) => `${p.name}@${p.version}`)).toEqual([
      'musl@1.1.16-r9',
      'busybox@1.26.2-r4',
      'alpine-baselayout@3.0.4-r0',
      'alpine-keys@2.1-r1',
      'libressl2.5-libcrypto@2.5.4-r0',
      'libressl2.5-libssl@2.5.4-r0',
      'zlib@1.2.11-r0',
      'apk-tools@2.7.1-r0',
      'scanelf@1.2.2-r0',
      'musl-utils@1.1.16-r9',
      'libc-utils@0.7.1-r0',
    ]);
    expect(r.packages![0]).toEqual({
      type: 'apk',
      name: 'musl',
      version: '1.1.16-r9',
      arch: 'x86_64',
      sourceName: 'musl',
      sourceVersion: '1.1.16-r9',
      licenses: ['MIT'],
      properties: { 'apk.provides': 'so:libc.musl-x86_64.so.1' },
    });
    const scanelf = r.packages!.find((p) => p.name === 'scanelf')!;
    expect(scanelf).toMatchObject({ sourceName: 'pax-utils', sourceVersion: '1.2.2-r0', licenses: ['GPL2'] });
    expect(r.packages!.find((p) => p.name === 'musl-utils')).toMatchObject({ licenses: ['MIT BSD GPL2+'], sourceName: 'musl' });
    expect(r.packages!.find((p) => p.name === 'alpine-baselayout')!.properties).toEqual({ 'apk.depends': 'busybox so:libc.musl-x86_64.so.1' });

    // libc-utils is a meta package without files of its own.
    expect(r.ownership!.map((o) => o.name)).not.toContain('libc-utils');
    expect(r.ownership).toHaveLength(10);
    const musl = r.ownership!.find((o) => o.name === 'musl')!;
    expect(musl).toEqual({ type: 'apk', name: 'musl', arch: 'x86_64', files: ['/lib/libc.musl-x86_64.so.1', '/lib/ld-musl-x86_64.so.1'] });
    expect(r.ownership!.find((o) => o.name === 'busybox')!.files).toContain('/bin/busybox');
    expect(r.ownership!.reduce((n, o) => n + o.files.length, 0)).toBe(68);
  });

  it('names drop version constraints and conflicts', () => {
    expect(apkNames('so:libc.musl-x86_64.so.1=1 busybox>=1.26 !apk-tools-static musl~1.1 cmd:sh')).toEqual([
      'so:libc.musl-x86_64.so.1',
      'busybox',
      'musl',
      'cmd:sh',
    ]);
  });

  it('skips broken blocks and unsafe paths with warnings', () => {
    const r = parseApkInstalled(
      ['P:good', 'V:1.0-r0', 'F:usr/bin', 'R:tool', 'F:../etc', 'R:shadow', 'R:a/b', '', 'P:noversion', '', 'V:1-r0', '', 'junk', 'P:last', 'V:2-r1', 'R:top'].join('\n'),
    );
    expect(r.packages.map((p) => p.name)).toEqual(['good', 'last']);
    expect(r.ownership).toEqual([
      { type: 'apk', name: 'good', files: ['/usr/bin/tool'] },
      { type: 'apk', name: 'last', files: ['/top'] },
    ]);
    expect(r.warnings).toEqual([
      'line 5: directory "../etc" is not a clean path, its files are skipped',
      'line 9: noversion has no valid V: version, skipped',
      'line 11: package without a valid P: name, skipped',
      'line 13: not an "X:value" line, skipped',
    ]);
  });

  it('random and mutated bytes never throw and cost about what the real database costs', async () => {
    const base = readFileSync(path.join(testdata, 'installed'));
    const benignMs = await bestOf3Async(() => analyze(base));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 8192 }).map((a) => Buffer.from(a)),
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.constantFrom(0x0a, 0x3a, 0x2f, 0x00, 0x2e, 0x50, 0x46)), { maxLength: 40 }).map((edits) => {
            const b = Buffer.from(base);
            for (const [i, v] of edits) b[i] = v;
            return b;
          }),
        ),
        async (content) => {
          await withinBaselineAsync(benignMs, async () => {
            const r = await analyze(content);
            for (const o of r.ownership ?? []) for (const f of o.files) expect(f).not.toMatch(/(^|\/)\.\.?(\/|$)/);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(!hasShared)('apk on the shared Alpine databases', () => {
  it.each([
    ['installed.alpine3.20.3-x86_64.zerotier-moon', 16],
    ['installed.alpine3.20.2-x86_64.vaultwarden', 26],
    ['installed.alpine3.17.3-x86_64.docker-sh', 55],
    ['installed.alpine3.6.0-x86_64.minirootfs', 11],
  ])('%s has %i packages', async (file, count) => {
    const r = await analyze(readFileSync(path.join(SHARED_ALPINE, file)));
    expect(r.warnings).toBeUndefined();
    expect(r.packages).toHaveLength(count);
    expect(r.packages!.every((p) => p.arch === 'x86_64' && p.sourceName && p.licenses?.length)).toBe(true);
  });

  it('Alpine 3.20.3: musl and busybox as installed there', async () => {
    const r = await analyze(readFileSync(path.join(SHARED_ALPINE, 'installed.alpine3.20.3-x86_64.zerotier-moon')));
    const byName = new Map(r.packages!.map((p) => [p.name, p]));
    expect(byName.get('musl')?.version).toMatch(/^1\.2\.5-r\d+$/);
    expect(byName.get('busybox')).toMatchObject({ sourceName: 'busybox', licenses: ['GPL-2.0-only'] });
    expect(r.ownership!.find((o) => o.name === 'busybox')!.files).toContain('/bin/busybox');
  });
});
