import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileInfo } from '../../analyzer.js';
import { goModAnalyzer, parseGoMod } from './gomod.js';

const goMod = readFileSync(new URL('./testdata/gomod/go.mod', import.meta.url));
const info = (path: string, size = 100): FileInfo => ({ path, size, mode: 0o100644, uid: 0, gid: 0 });
const analyze = (content: Buffer) => goModAnalyzer.analyze({ path: '/go.mod', info: info('/go.mod', content.length), content }, { targetKind: 'fs' });

describe('go-mod analyzer', () => {
  it('reports requirements with replacements applied and indirect ones marked', async () => {
    const r = await analyze(goMod);
    expect(r).toEqual({
      packages: [
        { type: 'golang', name: 'stdlib', version: '1.21.13', properties: { 'go.toolchain': 'go1.21.13' } },
        { type: 'golang', name: 'github.com/opencontainers/go-digest', version: 'v1.0.0' },
        { type: 'golang', name: 'github.com/opencontainers/image-spec', version: 'v1.1.0' },
        { type: 'golang', name: 'github.com/example/logrus', version: 'v1.9.3-patched.1', properties: { 'go.replaces': 'github.com/sirupsen/logrus@v1.9.3' } },
        { type: 'golang', name: 'github.com/urfave/cli/v2', version: 'v2.27.1' },
        { type: 'golang', name: 'golang.org/x/sys', version: 'v0.16.0', properties: { 'go.replaces': 'golang.org/x/sys@v0.15.0' }, indirect: true },
        { type: 'golang', name: 'github.com/cpuguy83/go-md2man/v2', version: 'v2.0.3', indirect: true },
        { type: 'golang', name: 'github.com/russross/blackfriday/v2', version: 'v2.1.0', indirect: true },
        { type: 'golang', name: 'github.com/xrash/smetrics', version: 'v0.0.0-20201216005158-039620a65673', indirect: true },
        { type: 'golang', name: 'github.com/klauspost/compress', version: 'v1.17.4' },
        { type: 'golang', name: 'example.com/internal/testutil', version: '(devel)', properties: { 'go.replacement': '../testutil' } },
      ],
    });
  });

  it('keeps the directives it does not report', () => {
    const m = parseGoMod(goMod.toString());
    expect(m).toMatchObject({ module: 'github.com/example/imagetool', go: '1.21', toolchain: 'go1.21.13', warnings: [] });
    expect(m.excludes).toEqual([{ path: 'github.com/klauspost/compress', version: 'v1.17.3' }]);
    expect(m.replaces).toHaveLength(4);
  });

  it('parses quoted paths and warns about malformed lines', () => {
    const m = parseGoMod('module "example.com/q"\nrequire "example.com/a" v1.0.0\nrequire example.com/b\nreplace x =>\nrequire "open v1\n');
    expect(m.module).toBe('example.com/q');
    expect(m.requires.map((r) => r.ref)).toEqual([{ path: 'example.com/a', version: 'v1.0.0' }]);
    expect(m.warnings).toEqual(['line 3: malformed require', 'line 4: malformed replace', 'line 5: unterminated string']);
  });

  it('wants go.mod files only', () => {
    expect(goModAnalyzer.wants('/src/app/go.mod', info('/src/app/go.mod'))).toBe(true);
    expect(goModAnalyzer.wants('/go.mod', info('/go.mod'))).toBe(true);
    expect(goModAnalyzer.wants('/src/app/go.sum', info('/x'))).toBe(false);
    expect(goModAnalyzer.wants('/src/app/notgo.mod', info('/x'))).toBe(false);
    expect(goModAnalyzer.targets).toEqual(['fs']);
  });

  it('never throws on random or mutated input', async () => {
    const text = goMod.toString();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 2000 }),
          fc.array(fc.tuple(fc.nat(text.length), fc.string({ maxLength: 5 })), { maxLength: 20 }).map((edits) => {
            let t = text;
            for (const [at, s] of edits) t = t.slice(0, at) + s + t.slice(at + 1);
            return t;
          }),
        ),
        async (t) => {
          await analyze(Buffer.from(t));
        },
      ),
      { numRuns: 300 },
    );
  });
});
