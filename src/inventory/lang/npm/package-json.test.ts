import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../analyzer.js';
import { isInstalledPackageJson, npmPackageJsonAnalyzer, parseInstalledPackageJson } from './package-json.js';
import { mutationsOf, randomBytes } from './testdata/fuzz.js';
import { bestOf3, withinBaseline } from '../../../../test/helpers/relative-time.js';
import { hasShared as hasSharedImages, layerDigests, layerFiles } from '../../../../test/helpers/shared-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.join(here, 'testdata/installed', name));

async function analyze(filePath: string, content: Buffer): Promise<AnalysisResult | null> {
  const info = { path: filePath, size: content.length, mode: 0o644, uid: 0, gid: 0 };
  return npmPackageJsonAnalyzer.analyze({ path: filePath, info, content }, { targetKind: 'image' });
}

describe('isInstalledPackageJson', () => {
  it.each([
    '/app/node_modules/lodash/package.json',
    '/app/node_modules/@babel/core/package.json',
    '/app/node_modules/send/node_modules/ms/package.json',
    '/app/node_modules/@babel/core/node_modules/@babel/types/package.json',
    '/usr/lib/node_modules/npm/package.json',
    '/usr/local/lib/node_modules/npm/node_modules/semver/package.json',
    '/app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json',
    'node_modules/lodash/package.json',
  ])('wants %s', (p) => {
    expect(isInstalledPackageJson(p)).toBe(true);
  });

  it.each([
    '/app/package.json',
    '/app/node_modules/lodash/fp/package.json',
    '/app/node_modules/@babel/runtime/helpers/esm/package.json',
    '/app/node_modules/@babel/runtime/helpers/package.json',
    '/app/node_modules/@babel/package.json',
    '/app/node_modules/package.json',
    '/app/node_modules/.bin/package.json',
    '/app/node_modules/.package-lock.json',
    '/app/node_modules/lodash/package.json.bak',
    '/app/node_modules/lodash/xpackage.json',
    '/app/node_modules/@/x/package.json',
    '/package.json',
    'package.json',
  ])('does not want %s', (p) => {
    expect(isInstalledPackageJson(p)).toBe(false);
  });
});

describe('npm-package-json analyzer', () => {
  it('reads name, version and license of a real installed package', async () => {
    const result = await analyze('/app/node_modules/lodash/package.json', fixture('lodash.package.json'));
    expect(result).toEqual({ packages: [{ type: 'npm', name: 'lodash', version: '4.17.15', licenses: ['MIT'] }] });
  });

  it('prefers `license` over the old `licenses` array when both are there', async () => {
    const result = await analyze('/app/node_modules/utils-merge/package.json', fixture('utils-merge.package.json'));
    expect(result?.packages).toEqual([{ type: 'npm', name: 'utils-merge', version: '1.0.1', licenses: ['MIT'] }]);
  });

  it('reads a package nested in another one', async () => {
    const result = await analyze('/app/node_modules/jsonwebtoken/node_modules/ms/package.json', fixture('ms-nested.package.json'));
    expect(result?.packages).toEqual([{ type: 'npm', name: 'ms', version: '2.1.3', licenses: ['MIT'] }]);
  });

  it('keeps the scope in the name and reads a `{ type, url }` license', async () => {
    const result = await analyze('/app/node_modules/@sindresorhus/is/package.json', fixture('scoped-license-object.package.json'));
    expect(result?.packages).toEqual([{ type: 'npm', name: '@sindresorhus/is', version: '0.7.0', licenses: ['MIT'] }]);
  });

  it('reads every entry of an old `licenses` array', async () => {
    const result = await analyze('/app/node_modules/json-schema/package.json', fixture('licenses-array.package.json'));
    expect(result?.packages?.[0]?.licenses).toEqual(['AFLv2.1', 'BSD']);
  });

  it('keeps `SEE LICENSE IN <file>` out of the licenses and notes the file', async () => {
    const result = await analyze('/app/node_modules/@acme/internal-widgets/package.json', fixture('see-license.package.json'));
    expect(result?.packages).toEqual([
      { type: 'npm', name: '@acme/internal-widgets', version: '3.2.0', properties: { 'npm.licenseFile': 'LICENSE.txt' } },
    ]);
  });

  it('reports nothing for a package.json without name and version', async () => {
    expect(await analyze('/app/node_modules/x/package.json', fixture('module-marker.package.json'))).toBeNull();
  });

  it('warns about a file that is not JSON and does not throw', async () => {
    const result = await analyze('/app/node_modules/x/package.json', Buffer.from('{"name": "x", "version": '));
    expect(result?.packages).toBeUndefined();
    expect(result?.warnings?.[0]).toMatch(/^not valid JSON/);
  });

  it('ignores fields of the wrong type', () => {
    expect(parseInstalledPackageJson('{"name": ["x"], "version": "1.0.0"}').pkg).toBeUndefined();
    expect(parseInstalledPackageJson('{"name": "x", "version": "1.0.0", "license": 42}').pkg).toEqual({ type: 'npm', name: 'x', version: '1.0.0' });
    expect(parseInstalledPackageJson('[1, 2]').warnings).toEqual(['not a JSON object']);
  });

  it('runs on images, root filesystems and checkouts', () => {
    expect(npmPackageJsonAnalyzer.targets).toEqual(['image', 'rootfs', 'fs']);
  });

  it('never throws on random or damaged input', () => {
    const original = fixture('lodash.package.json');
    const benignMs = bestOf3(() => parseInstalledPackageJson(original.toString('utf8')));
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutationsOf(original)), (bytes) => {
        withinBaseline(benignMs, () => {
          const { pkg, warnings } = parseInstalledPackageJson(bytes.toString('utf8'));
          expect(pkg === undefined || typeof pkg.name === 'string').toBe(true);
          expect(Array.isArray(warnings)).toBe(true);
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe.skipIf(!hasSharedImages)('npm-package-json on the shared app-node image', () => {
  it('finds the 69 installed packages of /app/node_modules in layer 2', async () => {
    const files = await layerFiles(layerDigests('app-node')[1]!, (p) => npmPackageJsonAnalyzer.wants(p, { path: p, size: 0, mode: 0o644, uid: 0, gid: 0 }));
    const found = new Map<string, string>();
    for (const [p, content] of files) {
      const result = await analyze(p, content);
      for (const pkg of result?.packages ?? []) found.set(`${p.replace('/package.json', '')}`, `${pkg.name}@${pkg.version}`);
    }
    expect(found.size).toBe(69);
    expect(found.get('/app/node_modules/lodash')).toBe('lodash@4.17.15');
    expect(found.get('/app/node_modules/minimist')).toBe('minimist@1.2.0');
    expect(found.get('/app/node_modules/express')).toBe('express@4.17.1');
    expect(found.get('/app/node_modules/jsonwebtoken/node_modules/ms')).toBe('ms@2.1.3');
    expect(found.get('/app/node_modules/send/node_modules/ms')).toBe('ms@2.1.1');
  });
});
