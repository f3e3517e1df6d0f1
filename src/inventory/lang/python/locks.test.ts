import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Analyzer, PackageRecord } from '../../analyzer.js';
import { pythonAnalyzers } from './index.js';
import { parsePipfileLock, pipfileLockAnalyzer } from './pipfile-lock.js';
import { parsePoetryLock, poetryLockAnalyzer } from './poetry-lock.js';
import { uvLockAnalyzer, parseUvLock } from './uv-lock.js';
import { mutationsOf, randomBytes } from '../npm/testdata/fuzz.js';
import { bestOf3, withinBaseline } from '../../../../test/helpers/relative-time.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const lock = (name: string) => readFileSync(path.join(here, 'testdata/locks', name), 'utf8');
const byId = (pkgs: PackageRecord[]) => new Map(pkgs.map((p) => [`${p.name}@${p.version}`, p]));
const info = (p: string) => ({ path: p, size: 0, mode: 0o644, uid: 0, gid: 0 });
const flags = (p: PackageRecord | undefined) =>
  p ? [p.indirect === undefined ? '' : p.indirect ? 'indirect' : 'direct', p.dev ? 'dev' : ''].filter(Boolean).join(' ') : 'missing';

function fuzz(parse: (text: string) => { packages: PackageRecord[]; warnings: string[] }, originals: string[]): void {
  // Each damaged input may cost at most a small multiple of reading the undamaged files.
  const benignMs = bestOf3(() => originals.forEach((o) => parse(o)));
  fc.assert(
    fc.property(fc.oneof(randomBytes, ...originals.map((o) => mutationsOf(Buffer.from(o)))), (bytes) => {
      withinBaseline(benignMs, () => {
        const { packages, warnings } = parse(bytes.toString('utf8'));
        expect(Array.isArray(packages) && Array.isArray(warnings)).toBe(true);
      });
    }),
    { numRuns: 300 },
  );
}

describe('python lock analyzers', () => {
  it('want their own file names, in checkouts only', () => {
    const wanting = (p: string) => pythonAnalyzers.filter((a: Analyzer) => a.wants(p, info(p))).map((a) => a.id);
    expect(wanting('/poetry.lock')).toEqual(['poetry-lock']);
    expect(wanting('/svc/Pipfile.lock')).toEqual(['pipfile-lock']);
    expect(wanting('/uv.lock')).toEqual(['uv-lock']);
    expect(wanting('/requirements.txt')).toEqual(['pip-requirements']);
    expect(wanting('/requirements-dev.txt')).toEqual(['pip-requirements']);
    expect(wanting('/Pipfile')).toEqual([]);
    expect(wanting('/pyproject.toml')).toEqual([]);
    expect(wanting('/dev-requirements.txt')).toEqual([]);
    for (const a of [poetryLockAnalyzer, pipfileLockAnalyzer, uvLockAnalyzer]) expect(a.targets).toEqual(['fs']);
  });
});

describe('poetry.lock', () => {
  it('reads Poetry 1.x categories and leaves local directories out', () => {
    const { packages, warnings } = parsePoetryLock(lock('poetry-1.4.lock'));
    expect(warnings).toEqual([]);
    expect(packages).toEqual([
      { type: 'pypi', name: 'certifi', version: '2022.12.7' },
      { type: 'pypi', name: 'iniconfig', version: '2.0.0', dev: true },
      { type: 'pypi', name: 'pytest', version: '7.2.2', dev: true },
      { type: 'pypi', name: 'requests', version: '2.28.2' },
      { type: 'pypi', name: 'ruamel.yaml', version: '0.17.21' },
    ]);
  });

  it('reads Poetry 2 groups: dev when not in the main group', () => {
    const pkgs = byId(parsePoetryLock(lock('poetry-2.lock')).packages);
    expect(flags(pkgs.get('colorama@0.4.6'))).toBe('');
    expect(flags(pkgs.get('urllib3@2.3.0'))).toBe('');
    expect(flags(pkgs.get('mkdocs@1.6.1'))).toBe('dev');
    expect(flags(pkgs.get('pytest@8.3.4'))).toBe('dev');
  });

  it('warns about malformed files', () => {
    expect(parsePoetryLock('[[package]\nname = "x"').warnings[0]).toMatch(/^not valid TOML/);
    expect(parsePoetryLock('title = "x"').warnings).toEqual(['no [[package]] tables: not a poetry.lock']);
    expect(parsePoetryLock('[[package]]\nname = "x"\n[[package]]\nname = "y"\nversion = "1.0"\n')).toEqual({
      packages: [{ type: 'pypi', name: 'y', version: '1.0' }],
      warnings: ['package 1 has no valid name and version; skipped'],
    });
  });

  it('never throws on random or damaged input', () => {
    fuzz(parsePoetryLock, [lock('poetry-1.4.lock'), lock('poetry-2.lock')]);
  });
});

describe('Pipfile.lock', () => {
  it('reads default and develop pins; a package in both is not dev', () => {
    const { packages, warnings } = parsePipfileLock(lock('Pipfile.lock'));
    expect(packages).toEqual([
      { type: 'pypi', name: 'django', version: '4.2.7' },
      { type: 'pypi', name: 'sqlparse', version: '0.4.4' },
      { type: 'pypi', name: 'typing-extensions', version: '4.8.0' },
      { type: 'pypi', name: 'black', version: '23.11.0', dev: true },
    ]);
    // The editable path and the git checkout have no version to report.
    expect(warnings).toEqual([]);
  });

  it('warns about malformed files and unpinned versions', () => {
    expect(parsePipfileLock('{"default": ').warnings[0]).toMatch(/^not valid JSON/);
    expect(parsePipfileLock('{"_meta": {}}').warnings).toEqual(['no "default" or "develop" section: not a Pipfile.lock']);
    expect(parsePipfileLock('{"default": {"x": {"version": ">=1.0"}}}').warnings).toEqual(['"x": ">=1.0" is not a pinned version; skipped']);
  });

  it('never throws on random or damaged input', () => {
    fuzz(parsePipfileLock, [lock('Pipfile.lock')]);
  });
});

describe('uv.lock', () => {
  it('leaves the project and its members out, and tells direct, indirect and dev apart', () => {
    const { packages, warnings } = parseUvLock(lock('uv.lock'));
    expect(warnings).toEqual([]);
    const pkgs = byId(packages);
    expect([...pkgs.keys()].sort()).toEqual([
      'anyio@4.8.0',
      'certifi@2025.1.31',
      'click@8.1.8',
      'httpx@0.28.1',
      'idna@3.10',
      'iniconfig@2.0.0',
      'pydantic@2.10.6',
      'pytest@8.3.4',
      'rich@13.9.4',
      'sniffio@1.3.1',
      'typing-extensions@4.12.2',
    ]);
    expect(flags(pkgs.get('httpx@0.28.1'))).toBe('direct');
    // Declared by the workspace member packages/models.
    expect(flags(pkgs.get('pydantic@2.10.6'))).toBe('direct');
    expect(flags(pkgs.get('anyio@4.8.0'))).toBe('indirect');
    // Reached through the `cli` extra of httpx, which the project asks for.
    expect(flags(pkgs.get('rich@13.9.4'))).toBe('indirect');
    expect(flags(pkgs.get('pytest@8.3.4'))).toBe('direct dev');
    expect(flags(pkgs.get('iniconfig@2.0.0'))).toBe('indirect dev');
    // Needed by pytest (dev) and by pydantic (runtime).
    expect(flags(pkgs.get('typing-extensions@4.12.2'))).toBe('indirect');
  });

  it('does not follow extras nobody asks for', () => {
    const text = [
      'version = 1',
      '[[package]]',
      'name = "app"',
      'version = "1.0.0"',
      'source = { virtual = "." }',
      'dependencies = [{ name = "lib" }]',
      '[package.dev-dependencies]',
      'dev = [{ name = "lib", extra = ["extra"] }]',
      '[[package]]',
      'name = "lib"',
      'version = "1.0.0"',
      'source = { registry = "https://pypi.org/simple" }',
      '[package.optional-dependencies]',
      'extra = [{ name = "opt" }]',
      '[[package]]',
      'name = "opt"',
      'version = "2.0.0"',
      'source = { registry = "https://pypi.org/simple" }',
    ].join('\n');
    const pkgs = byId(parseUvLock(text).packages);
    expect(flags(pkgs.get('lib@1.0.0'))).toBe('direct');
    expect(flags(pkgs.get('opt@2.0.0'))).toBe('indirect dev');
  });

  it('warns about malformed files', () => {
    expect(parseUvLock('version = [').warnings[0]).toMatch(/^not valid TOML/);
    expect(parseUvLock('a = 1').warnings).toEqual(['no [[package]] tables: not a uv.lock']);
    expect(parseUvLock(`x = ${'['.repeat(200)}${']'.repeat(200)}`).warnings[0]).toMatch(/^not valid TOML/);
  });

  it('never throws on random or damaged input', () => {
    fuzz(parseUvLock, [lock('uv.lock')]);
  });
});
