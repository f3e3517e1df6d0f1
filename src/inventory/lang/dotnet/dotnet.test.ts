import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, Analyzer, FileInfo } from '../../analyzer.js';
import { dotnetDepsAnalyzer } from './deps-json.js';
import { packagesConfigAnalyzer, parsePackagesConfig } from './packages-config.js';
import { nugetLockAnalyzer } from './packages-lock.js';

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const info = (path: string, size = 100): FileInfo => ({ path, size, mode: 0o100644, uid: 0, gid: 0 });
const run = async (a: Analyzer, path: string, content: Buffer): Promise<AnalysisResult | null> =>
  a.analyze({ path, info: info(path, content.length), content }, { targetKind: 'fs' });

describe('dotnet-deps analyzer', () => {
  it('reports package libraries and skips project and runtimepack entries', async () => {
    expect(await run(dotnetDepsAnalyzer, '/app/Shop.Api.deps.json', testdata('Shop.Api.deps.json'))).toEqual({
      packages: [
        { type: 'nuget', name: 'Newtonsoft.Json', version: '13.0.3' },
        { type: 'nuget', name: 'Serilog', version: '3.1.1' },
        { type: 'nuget', name: 'Serilog.AspNetCore', version: '8.0.1' },
        { type: 'nuget', name: 'System.Text.Encodings.Web', version: '4.7.2' },
      ],
    });
  });

  it('warns about malformed files', async () => {
    expect(await run(dotnetDepsAnalyzer, '/a.deps.json', Buffer.from('{"libraries":[]}'))).toEqual({ packages: [], warnings: ['no "libraries" object'] });
    expect(await run(dotnetDepsAnalyzer, '/a.deps.json', Buffer.from('{"libraries":{"NoVersion":{"type":"package"},"X/../../etc":{"type":"package"}}}'))).toEqual({
      packages: [],
      warnings: ['2 package libraries without a valid "Name/Version" key skipped'],
    });
    expect(dotnetDepsAnalyzer.wants('/app/Shop.Api.deps.json', info('/x'))).toBe(true);
    expect(dotnetDepsAnalyzer.wants('/app/Shop.Api.runtimeconfig.json', info('/x'))).toBe(false);
  });
});

describe('nuget-lock analyzer', () => {
  it('merges frameworks, marks transitive packages indirect and skips projects', async () => {
    expect(await run(nugetLockAnalyzer, '/src/Shop.Api/packages.lock.json', testdata('packages.lock.json'))).toEqual({
      packages: [
        { type: 'nuget', name: 'Newtonsoft.Json', version: '13.0.3', properties: { 'nuget.frameworks': 'net8.0,net8.0/linux-x64' } },
        { type: 'nuget', name: 'Serilog.AspNetCore', version: '8.0.1', properties: { 'nuget.frameworks': 'net8.0' } },
        { type: 'nuget', name: 'xunit', version: '2.9.0', properties: { 'nuget.frameworks': 'net8.0' } },
        { type: 'nuget', name: 'Serilog', version: '3.1.1', indirect: true, properties: { 'nuget.frameworks': 'net8.0' } },
        { type: 'nuget', name: 'System.Text.Json', version: '8.0.4', indirect: true, properties: { 'nuget.frameworks': 'net8.0' } },
        {
          type: 'nuget',
          name: 'runtime.linux-x64.Microsoft.DotNet.ILCompiler',
          version: '8.0.8',
          indirect: true,
          properties: { 'nuget.frameworks': 'net8.0/linux-x64' },
        },
      ],
    });
    expect(nugetLockAnalyzer.targets).toEqual(['fs']);
  });
});

describe('nuget-packages-config analyzer', () => {
  it('reads <package> elements, skipping comments and marking development dependencies', async () => {
    const r = await run(packagesConfigAnalyzer, '/src/Shop.Web/packages.config', testdata('packages.config'));
    expect(r?.packages?.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''}`)).toEqual([
      'EntityFramework@6.4.4',
      'log4net@2.0.15',
      'Microsoft.AspNet.Mvc@5.2.9',
      'Newtonsoft.Json@12.0.3',
      'NUnit@3.13.3 dev',
      'Microsoft.CodeDom.Providers.DotNetCompilerPlatform@2.0.1 dev',
    ]);
    expect(r?.packages?.[0]?.properties).toEqual({ 'nuget.frameworks': 'net472' });
  });

  it('does not expand DTD entities', () => {
    const billionLaughs =
      '<?xml version="1.0"?>\n<!DOCTYPE packages [<!ENTITY a "1.0.0"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<packages>\n  <package id="Lol" version="&b;" />\n  <package id="Ok&#46;Pkg" version="1.0&#x2E;0" />\n</packages>\n';
    expect(parsePackagesConfig(billionLaughs)).toEqual({
      packages: [{ type: 'nuget', name: 'Ok.Pkg', version: '1.0.0' }],
      warnings: ['1 <package> elements without a valid id and version skipped'],
    });
    expect(parsePackagesConfig('<project/>')).toEqual({ packages: [], warnings: ['no <packages> element'] });
  });
});

describe('.NET analyzers on hostile input', () => {
  it('never throw on random or mutated input', async () => {
    const cases: Array<[Analyzer, string, string]> = [
      [dotnetDepsAnalyzer, '/a.deps.json', testdata('Shop.Api.deps.json').toString()],
      [nugetLockAnalyzer, '/packages.lock.json', testdata('packages.lock.json').toString()],
      [packagesConfigAnalyzer, '/packages.config', testdata('packages.config').toString()],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cases),
        fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 500 }), fc.constant(null)),
        fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 8 }),
        async ([analyzer, path, text], random, edits) => {
          let t = random ?? text;
          for (const [at, s] of edits) {
            const i = t.length ? at % t.length : 0;
            t = t.slice(0, i) + s + t.slice(i + 1);
          }
          await run(analyzer, path, Buffer.from(t));
        },
      ),
      { numRuns: 400 },
    );
  });
});
