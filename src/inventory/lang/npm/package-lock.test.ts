import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageRecord } from '../../analyzer.js';
import { npmPackageLockAnalyzer, parsePackageLock, splitInstallPath } from './package-lock.js';
import { mutationsOf, randomBytes } from './testdata/fuzz.js';
import { bestOf3, withinBaseline } from '../../../../test/helpers/relative-time.js';
import { hasShared as hasSharedImages, layerDigests, layerFiles } from '../../../../test/helpers/shared-fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const lock = (name: string) => readFileSync(path.join(here, 'testdata/locks', name), 'utf8');
const byId = (pkgs: PackageRecord[]) => new Map(pkgs.map((p) => [`${p.name}@${p.version}`, p]));
const info = (p: string) => ({ path: p, size: 0, mode: 0o644, uid: 0, gid: 0 });

describe('splitInstallPath', () => {
  it('splits nested and scoped install paths', () => {
    expect(splitInstallPath('node_modules/lodash')).toEqual({ name: 'lodash', parent: '' });
    expect(splitInstallPath('node_modules/send/node_modules/ms')).toEqual({ name: 'ms', parent: 'node_modules/send' });
    expect(splitInstallPath('node_modules/a/node_modules/@s/b')).toEqual({ name: '@s/b', parent: 'node_modules/a' });
    expect(splitInstallPath('packages/core/node_modules/ms')).toEqual({ name: 'ms', parent: 'packages/core' });
  });

  it('rejects what is not an install path', () => {
    expect(splitInstallPath('')).toBeUndefined();
    expect(splitInstallPath('packages/core')).toBeUndefined();
    expect(splitInstallPath('node_modules/@scope')).toBeUndefined();
    expect(splitInstallPath('node_modules/a/b')).toBeUndefined();
    expect(splitInstallPath('my_node_modules/a')).toBeUndefined();
  });
});

describe('npm-package-lock analyzer', () => {
  it('wants lock files outside node_modules only, and only in checkouts', () => {
    expect(npmPackageLockAnalyzer.wants('/package-lock.json', info('/package-lock.json'))).toBe(true);
    expect(npmPackageLockAnalyzer.wants('/app/npm-shrinkwrap.json', info('/app/npm-shrinkwrap.json'))).toBe(true);
    expect(npmPackageLockAnalyzer.wants('/app/node_modules/.package-lock.json', info(''))).toBe(false);
    expect(npmPackageLockAnalyzer.wants('/app/node_modules/x/package-lock.json', info(''))).toBe(false);
    expect(npmPackageLockAnalyzer.wants('/app/package.json', info(''))).toBe(false);
    expect(npmPackageLockAnalyzer.targets).toEqual(['fs']);
  });

  it('reads a v3 lock with workspaces: direct, dev, optional, nested, aliased', () => {
    const { packages, warnings } = parsePackageLock(lock('package-lock-v3-workspaces.json'));
    expect(warnings).toEqual([]);
    const pkgs = byId(packages);
    expect([...pkgs.keys()].sort()).toEqual([
      '@types/node@20.10.5',
      'debug@2.6.9',
      'express@4.18.2',
      'fsevents@2.3.3',
      'ms@2.0.0',
      'ms@2.1.2',
      'ms@2.1.3',
      'send@0.18.0',
      'string-width@4.2.3',
      'typescript@5.3.3',
      'undici-types@5.26.5',
      'zod@3.22.4',
    ]);
    expect(pkgs.get('express@4.18.2')).toEqual({ type: 'npm', name: 'express', version: '4.18.2', indirect: false, licenses: ['MIT'] });
    expect(pkgs.get('debug@2.6.9')?.indirect).toBe(true);
    expect(pkgs.get('ms@2.1.3')?.indirect).toBe(true);
    // Installed as node_modules/string-width-cjs, declared by the root under that name.
    expect(pkgs.get('string-width@4.2.3')?.indirect).toBe(false);
    expect(pkgs.get('typescript@5.3.3')).toMatchObject({ dev: true, indirect: false, licenses: ['Apache-2.0'] });
    expect(pkgs.get('fsevents@2.3.3')).toMatchObject({ indirect: false, properties: { 'npm.optional': 'true' } });
    expect(pkgs.get('fsevents@2.3.3')?.dev).toBeUndefined();
    // Declared by the workspace, hoisted to the root node_modules.
    expect(pkgs.get('@types/node@20.10.5')).toMatchObject({ dev: true, indirect: false });
    expect(pkgs.get('zod@3.22.4')?.indirect).toBe(false);
    expect(pkgs.get('undici-types@5.26.5')).toMatchObject({ dev: true, indirect: true });
    // Declared by the workspace, installed in its own node_modules.
    expect(pkgs.get('ms@2.1.2')?.indirect).toBe(false);
    expect(packages.some((p) => p.name === '@billing/core' || p.name === 'billing-monorepo')).toBe(false);
  });

  it('reads the packages map of a v2 lock and ignores its v1 copy', () => {
    const { packages } = parsePackageLock(lock('package-lock-v2.json'));
    expect(packages).toEqual([
      { type: 'npm', name: 'minimist', version: '1.2.6', indirect: false },
      { type: 'npm', name: 'mkdirp', version: '0.5.6', indirect: false, dev: true },
    ]);
  });

  it('reads the nested dependency tree of a v1 lock', () => {
    const { packages, warnings } = parsePackageLock(lock('package-lock-v1.json'));
    expect(warnings).toEqual([]);
    const pkgs = byId(packages);
    expect([...pkgs.keys()].sort()).toEqual([
      '@babel/code-frame@7.8.3',
      '@babel/highlight@7.9.0',
      'fsevents@1.2.12',
      'left-pad@1.3.0',
      'lodash@4.17.15',
      'minimist@0.0.8',
      'minimist@1.2.0',
      'mkdirp@0.5.1',
      'nan@2.14.0',
    ]);
    expect(pkgs.get('@babel/code-frame@7.8.3')?.dev).toBe(true);
    expect(pkgs.get('nan@2.14.0')?.properties).toEqual({ 'npm.optional': 'true' });
    // v1 does not say what the project asked for.
    expect(packages.every((p) => p.indirect === undefined)).toBe(true);
  });

  it('merges copies of one version: direct if any copy is, dev only if all are', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { a: '1' }, devDependencies: { b: '1' } },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/b': { version: '1.0.0', dev: true },
        'node_modules/b/node_modules/c': { version: '2.0.0', dev: true },
        'node_modules/a/node_modules/c': { version: '2.0.0' },
      },
    });
    expect(byId(parsePackageLock(text).packages).get('c@2.0.0')).toEqual({ type: 'npm', name: 'c', version: '2.0.0', indirect: true });
  });

  it('warns about malformed files and entries without throwing', () => {
    expect(parsePackageLock('{"lockfileVersion": 3, "packages": ').warnings[0]).toMatch(/^not valid JSON/);
    expect(parsePackageLock('{"name": "x"}').warnings).toEqual(['no lockfileVersion: not an npm lock file']);
    const partial = parsePackageLock('{"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {}, "node_modules/b": {"version": "1.0.0"}, "node_modules/c": 7}}');
    expect(partial.packages.map((p) => p.name)).toEqual(['b']);
    expect(partial.warnings).toEqual(['"node_modules/a" has no version; skipped']);
  });

  it('bounds the depth of a v1 tree', () => {
    let deps: Record<string, unknown> = { leaf: { version: '1.0.0' } };
    for (let i = 0; i < 300; i++) deps = { [`p${i}`]: { version: '1.0.0', dependencies: deps } };
    const { packages, warnings } = parsePackageLock(JSON.stringify({ lockfileVersion: 1, dependencies: deps }));
    expect(packages.length).toBe(128);
    expect(warnings).toEqual(['dependencies nested deeper than 128 levels are not read']);
  });

  it('never throws on random or damaged input', () => {
    const originals = [lock('package-lock-v3-workspaces.json'), lock('package-lock-v1.json')].map((t) => Buffer.from(t));
    const benignMs = bestOf3(() => originals.forEach((o) => parsePackageLock(o.toString('utf8'))));
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutationsOf(originals[0]!), mutationsOf(originals[1]!)), (bytes) => {
        withinBaseline(benignMs, () => {
          const { packages, warnings } = parsePackageLock(bytes.toString('utf8'));
          expect(Array.isArray(packages) && Array.isArray(warnings)).toBe(true);
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe.skipIf(!hasSharedImages)('npm-package-lock on the shared app-node image', () => {
  it('reads the 69 packages of /app/package-lock.json (v3) from layer 2', async () => {
    const files = await layerFiles(layerDigests('app-node')[1]!, (p) => p === '/app/package-lock.json');
    const content = files.get('/app/package-lock.json');
    expect(content).toBeDefined();
    const result = await npmPackageLockAnalyzer.analyze({ path: '/app/package-lock.json', info: info('/app/package-lock.json'), content: content! }, { targetKind: 'fs' });
    const pkgs = result?.packages ?? [];
    expect(result?.warnings).toBeUndefined();
    expect(pkgs.length).toBe(69);
    const ids = byId(pkgs);
    for (const id of ['lodash@4.17.15', 'minimist@1.2.0', 'jsonwebtoken@8.5.1', 'axios@0.21.0', 'express@4.17.1', 'semver@5.7.1', 'ws@7.4.5']) {
      expect(ids.get(id)?.indirect, id).toBe(false);
    }
    expect(ids.get('ms@2.1.3')?.indirect).toBe(true);
    expect(ids.get('buffer-equal-constant-time@1.0.1')?.licenses).toEqual(['BSD-3-Clause']);
    expect(pkgs.filter((p) => p.indirect === false).length).toBe(7);
  });
});
