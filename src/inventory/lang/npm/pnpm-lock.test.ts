import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackageRecord } from '../../analyzer.js';
import { parsePnpmKey, parsePnpmLock, pnpmLockAnalyzer, resolvePnpmRef } from './pnpm-lock.js';
import { mutationsOf, randomBytes } from './testdata/fuzz.js';
import { bestOf3, withinBaseline } from '../../../../test/helpers/relative-time.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const lock = (name: string) => readFileSync(path.join(here, 'testdata/locks', name), 'utf8');
const byId = (pkgs: PackageRecord[]) => new Map(pkgs.map((p) => [`${p.name}@${p.version}`, p]));
const info = (p: string) => ({ path: p, size: 0, mode: 0o644, uid: 0, gid: 0 });
const flags = (p: PackageRecord | undefined) => (p ? `${p.indirect ? 'indirect' : 'direct'}${p.dev ? ' dev' : ''}` : 'missing');

describe('pnpm package keys', () => {
  it.each([
    ['/lodash/4.17.21', 5.4, 'lodash', '4.17.21'],
    ['/@types/react/18.0.28', 5.4, '@types/react', '18.0.28'],
    ['/react-dom/18.2.0_react@18.2.0', 5.4, 'react-dom', '18.2.0'],
    ['/styled-jsx/5.1.1_@babel+core@7.22.5+react@18.2.0', 5.4, 'styled-jsx', '5.1.1'],
    ['registry.example.com/lodash/4.17.21', 5.4, 'lodash', '4.17.21'],
    ['/lodash@4.17.21', 6, 'lodash', '4.17.21'],
    ['/@types/react@18.2.14', 6, '@types/react', '18.2.14'],
    ['/react-dom@18.2.0(react@18.2.0)', 6, 'react-dom', '18.2.0'],
    ['lodash@4.17.21', 9, 'lodash', '4.17.21'],
    ['@babel/core@7.24.0', 9, '@babel/core', '7.24.0'],
    ['next@14.2.3(@babel/core@7.24.0)(react-dom@18.3.1(react@18.3.1))(react@18.3.1)', 9, 'next', '14.2.3'],
    ['is-odd@3.0.1(patch_hash=aqvwfbaoqkhtlczlhg6uzzo4ve)', 9, 'is-odd', '3.0.1'],
  ])('%s (v%s) is %s@%s', (key, major, name, version) => {
    expect(parsePnpmKey(key, major)).toEqual({ name, version });
  });

  it('rejects keys that name no package', () => {
    expect(parsePnpmKey('github.com/left-pad/left-pad/5e6b7e1', 6)).toBeUndefined();
    expect(parsePnpmKey('file:../utils', 5.4)).toBeUndefined();
    expect(parsePnpmKey('/', 6)).toBeUndefined();
    expect(parsePnpmKey('@@', 9)).toBeUndefined();
  });

  it('resolves importer references, aliases included', () => {
    expect(resolvePnpmRef('react-dom', '18.2.0_react@18.2.0', 5.4)).toEqual({ name: 'react-dom', version: '18.2.0', snapshot: '/react-dom/18.2.0_react@18.2.0' });
    expect(resolvePnpmRef('sw', '/string-width/4.2.3', 5.4)).toEqual({ name: 'string-width', version: '4.2.3', snapshot: '/string-width/4.2.3' });
    expect(resolvePnpmRef('react-dom', '18.3.1(react@18.3.1)', 9)).toEqual({ name: 'react-dom', version: '18.3.1', snapshot: 'react-dom@18.3.1(react@18.3.1)' });
    expect(resolvePnpmRef('string-width-cjs', 'string-width@4.2.3', 9)).toEqual({ name: 'string-width', version: '4.2.3', snapshot: 'string-width@4.2.3' });
    expect(resolvePnpmRef('utils', 'link:../utils', 9)).toBeUndefined();
  });
});

describe('pnpm-lock analyzer', () => {
  it('wants pnpm-lock.yaml outside node_modules, in checkouts', () => {
    expect(pnpmLockAnalyzer.wants('/pnpm-lock.yaml', info('/pnpm-lock.yaml'))).toBe(true);
    expect(pnpmLockAnalyzer.wants('/node_modules/.pnpm/lock.yaml', info(''))).toBe(false);
    expect(pnpmLockAnalyzer.wants('/a/node_modules/b/pnpm-lock.yaml', info(''))).toBe(false);
    expect(pnpmLockAnalyzer.targets).toEqual(['fs']);
  });

  it('reads lockfile 5.4: peer suffixes, dev flags, links left out', () => {
    const { packages, warnings } = parsePnpmLock(lock('pnpm-lock-v5.yaml'));
    expect(warnings).toEqual([]);
    const pkgs = byId(packages);
    expect(pkgs.size).toBe(10);
    expect(flags(pkgs.get('react-dom@18.2.0'))).toBe('direct');
    expect(flags(pkgs.get('lodash@4.17.21'))).toBe('direct');
    expect(flags(pkgs.get('@types/react@18.0.28'))).toBe('direct dev');
    expect(flags(pkgs.get('@types/prop-types@15.7.5'))).toBe('indirect dev');
    expect(flags(pkgs.get('loose-envify@1.4.0'))).toBe('indirect');
    expect(flags(pkgs.get('typescript@4.9.5'))).toBe('direct dev');
    expect(packages.some((p) => p.name === 'orders-utils')).toBe(false);
  });

  it('reads lockfile 6.0: inline specifiers, a git dependency named by its entry', () => {
    const { packages, warnings } = parsePnpmLock(lock('pnpm-lock-v6.yaml'));
    expect(warnings).toEqual([]);
    const pkgs = byId(packages);
    expect(pkgs.size).toBe(12);
    expect(flags(pkgs.get('react-dom@18.2.0'))).toBe('direct');
    expect(flags(pkgs.get('left-pad@1.3.0'))).toBe('direct');
    expect(flags(pkgs.get('csstype@3.1.2'))).toBe('indirect dev');
    expect(flags(pkgs.get('typescript@5.1.6'))).toBe('direct dev');
    expect(pkgs.get('fsevents@2.3.2')).toEqual({ type: 'npm', name: 'fsevents', version: '2.3.2', indirect: true, properties: { 'npm.optional': 'true' } });
  });

  it('reads lockfile 9.0: workspaces as importers, dev worked out from the snapshots', () => {
    const { packages, warnings } = parsePnpmLock(lock('pnpm-lock-v9.yaml'));
    expect(warnings).toEqual([]);
    const pkgs = byId(packages);
    expect([...pkgs.keys()].sort()).toEqual([
      '@types/prop-types@15.7.12',
      '@types/react@18.3.3',
      'ansi-regex@5.0.1',
      'csstype@3.1.3',
      'js-tokens@4.0.0',
      'lodash@4.17.21',
      'loose-envify@1.4.0',
      'react-dom@18.3.1',
      'react@18.3.1',
      'scheduler@0.23.2',
      'string-width@4.2.3',
      'strip-ansi@6.0.1',
      'typescript@5.4.5',
    ]);
    expect(flags(pkgs.get('react-dom@18.3.1'))).toBe('direct');
    expect(flags(pkgs.get('string-width@4.2.3'))).toBe('direct');
    expect(flags(pkgs.get('lodash@4.17.21'))).toBe('direct');
    expect(flags(pkgs.get('ansi-regex@5.0.1'))).toBe('indirect');
    expect(flags(pkgs.get('scheduler@0.23.2'))).toBe('indirect');
    expect(flags(pkgs.get('@types/react@18.3.3'))).toBe('direct dev');
    expect(flags(pkgs.get('csstype@3.1.3'))).toBe('indirect dev');
    expect(flags(pkgs.get('typescript@5.4.5'))).toBe('direct dev');
  });

  it('a package reached from both dev and prod dependencies is not dev', () => {
    const text = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      a: {specifier: ^1.0.0, version: 1.0.0}',
      '    devDependencies:',
      '      b: {specifier: ^1.0.0, version: 1.0.0}',
      'packages:',
      '  a@1.0.0: {}',
      '  b@1.0.0: {}',
      '  c@1.0.0: {}',
      'snapshots:',
      '  a@1.0.0: {dependencies: {c: 1.0.0}}',
      '  b@1.0.0: {dependencies: {c: 1.0.0}}',
      '  c@1.0.0: {}',
    ].join('\n');
    expect(byId(parsePnpmLock(text).packages).get('c@1.0.0')).toEqual({ type: 'npm', name: 'c', version: '1.0.0', indirect: true });
  });

  it('reads the project document of a two-document file, not the one describing pnpm itself', () => {
    const boot = [
      '---',
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    configDependencies: {}',
      '    packageManagerDependencies:',
      '      pnpm: {specifier: 11.0.0, version: 11.0.0}',
      'packages:',
      '  pnpm@11.0.0: {}',
      'snapshots:',
      '  pnpm@11.0.0: {}',
      '---',
    ].join('\n');
    const { packages } = parsePnpmLock(`${boot}\n${lock('pnpm-lock-v9.yaml')}`);
    expect(packages.length).toBe(13);
    expect(packages.some((p) => p.name === 'pnpm')).toBe(false);
  });

  it('warns about malformed input without throwing', () => {
    expect(parsePnpmLock('lockfileVersion: [').warnings[0]).toMatch(/^not valid YAML/);
    expect(parsePnpmLock('packages: {}').warnings).toEqual(['no lockfileVersion: not a pnpm lock file']);
    expect(parsePnpmLock('- a\n- b\n').warnings).toEqual(['not a YAML mapping']);
    expect(parsePnpmLock("lockfileVersion: '9.0'\npackages:\n  '@@@': {}\n  ok@1.0.0: {}\n")).toEqual({
      packages: [{ type: 'npm', name: 'ok', version: '1.0.0' }],
      warnings: ['package key "@@@" names no package and version; skipped'],
    });
  });

  it('never throws on random or damaged input', () => {
    const originals = ['pnpm-lock-v5.yaml', 'pnpm-lock-v6.yaml', 'pnpm-lock-v9.yaml'].map((n) => Buffer.from(lock(n)));
    const benignMs = bestOf3(() => originals.forEach((o) => parsePnpmLock(o.toString('utf8'))));
    fc.assert(
      fc.property(fc.oneof(randomBytes, ...originals.map((o) => mutationsOf(o))), (bytes) => {
        withinBaseline(benignMs, () => {
          const { packages, warnings } = parsePnpmLock(bytes.toString('utf8'));
          expect(Array.isArray(packages) && Array.isArray(warnings)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});
