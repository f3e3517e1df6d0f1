import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult, Analyzer, FileInfo } from '../../analyzer.js';
import { composerLockAnalyzer } from './composer-lock.js';
import { composerInstalledAnalyzer } from './installed-json.js';

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url));
const info = (path: string, size = 100): FileInfo => ({ path, size, mode: 0o100644, uid: 0, gid: 0 });
const run = async (a: Analyzer, path: string, content: Buffer): Promise<AnalysisResult | null> =>
  a.analyze({ path, info: info(path, content.length), content }, { targetKind: 'fs' });
const brief = (r: AnalysisResult | null) => r?.packages?.map((p) => `${p.name}@${p.version}${p.dev ? ' dev' : ''} ${p.licenses?.join('|')}`);

describe('composer-lock analyzer', () => {
  it('reads packages and packages-dev', async () => {
    const r = await run(composerLockAnalyzer, '/app/composer.lock', testdata('composer.lock'));
    expect(r?.warnings).toBeUndefined();
    expect(brief(r)).toEqual([
      'guzzlehttp/guzzle@7.8.1 MIT',
      'guzzlehttp/promises@2.0.2 MIT',
      'guzzlehttp/psr7@2.6.2 MIT',
      'monolog/monolog@2.9.1 MIT',
      'psr/http-client@1.0.3 MIT',
      'psr/log@1.1.4 MIT',
      'symfony/polyfill-mbstring@v1.28.0 MIT',
      'laminas/laminas-zendframework-bridge@1.8.0 BSD-3-Clause',
      'example/audit-bundle@dev-main proprietary',
      'phpunit/phpunit@9.6.13 dev BSD-3-Clause',
      'myclabs/deep-copy@1.11.1 dev MIT',
    ]);
    expect(r?.packages?.find((p) => p.name === 'example/audit-bundle')?.properties).toEqual({ 'composer.type': 'symfony-bundle' });
  });

  it('warns about invalid JSON and skips entries without name or version', async () => {
    expect(await run(composerLockAnalyzer, '/composer.lock', Buffer.from('{"packages": ['))).toEqual({ packages: [], warnings: ['not valid JSON'] });
    const r = await run(composerLockAnalyzer, '/composer.lock', Buffer.from('{"packages":[{"name":"a/b"},{"version":"1.0"},{"name":"c/d","version":"1.0.0","license":"MIT"}],"packages-dev":{}}'));
    expect(r).toEqual({
      packages: [{ type: 'composer', name: 'c/d', version: '1.0.0', licenses: ['MIT'] }],
      warnings: ['a/b has no version, skipped', 'entry without a valid "vendor/name", skipped', '"packages-dev" is not a list'],
    });
  });
});

describe('composer-installed analyzer', () => {
  it('reads Composer 2 installed.json, marking dev-package-names as dev', async () => {
    const r = await run(composerInstalledAnalyzer, '/var/www/html/vendor/composer/installed.json', testdata('installed.json'));
    expect(brief(r)).toEqual([
      'guzzlehttp/guzzle@7.8.1 MIT',
      'guzzlehttp/promises@2.0.2 MIT',
      'guzzlehttp/psr7@2.6.2 MIT',
      'monolog/monolog@2.9.1 MIT',
      'psr/http-client@1.0.3 MIT',
      'psr/log@1.1.4 MIT',
      'symfony/polyfill-mbstring@v1.28.0 MIT',
      'phpunit/phpunit@9.6.13 dev BSD-3-Clause',
      'myclabs/deep-copy@1.11.1 dev MIT',
    ]);
  });

  it('reads the bare array of Composer 1', async () => {
    const r = await run(composerInstalledAnalyzer, '/app/vendor/composer/installed.json', testdata('installed-composer1.json'));
    expect(r).toEqual({
      packages: [
        { type: 'composer', name: 'monolog/monolog', version: '2.9.1', licenses: ['MIT'] },
        { type: 'composer', name: 'psr/http-client', version: '1.0.3', licenses: ['MIT'] },
        { type: 'composer', name: 'psr/log', version: '1.1.4', licenses: ['MIT'] },
      ],
    });
    expect(await run(composerInstalledAnalyzer, '/app/vendor/composer/installed.json', Buffer.from('{"dev":true}'))).toEqual({
      packages: [],
      warnings: ['neither a package list (Composer 1) nor an object with "packages" (Composer 2)'],
    });
  });

  it('wants the files where Composer writes them', () => {
    expect(composerInstalledAnalyzer.wants('/var/www/html/vendor/composer/installed.json', info('/x'))).toBe(true);
    expect(composerInstalledAnalyzer.wants('/var/www/html/vendor/composer/installed.php', info('/x'))).toBe(false);
    expect(composerInstalledAnalyzer.wants('/installed.json', info('/x'))).toBe(false);
    expect(composerLockAnalyzer.wants('/app/composer.lock', info('/x'))).toBe(true);
    expect(composerLockAnalyzer.wants('/app/composer.json', info('/x'))).toBe(false);
    expect(composerLockAnalyzer.targets).toEqual(['fs']);
    expect(composerInstalledAnalyzer.targets).toEqual(['image', 'rootfs', 'fs']);
  });

  it('never throws on random or mutated input', async () => {
    const texts = [testdata('composer.lock').toString(), testdata('installed.json').toString()];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json({ maxDepth: 4 }),
          fc.string({ maxLength: 500 }),
          fc.tuple(fc.constantFrom(...texts), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 8 })).map(([text, edits]) => {
            let t = text;
            for (const [at, s] of edits) {
              const i = at % t.length;
              t = t.slice(0, i) + s + t.slice(i + 1);
            }
            return t;
          }),
        ),
        async (t) => {
          await run(composerLockAnalyzer, '/composer.lock', Buffer.from(t));
          await run(composerInstalledAnalyzer, '/vendor/composer/installed.json', Buffer.from(t));
        },
      ),
      { numRuns: 300 },
    );
  });
});
