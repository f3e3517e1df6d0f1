import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRequirements, parseRequirements, pipRequirementsAnalyzer } from './requirements.js';
import { mutationsOf, randomBytes } from '../npm/testdata/fuzz.js';
import { bestOf3, expectComparableCost, withinBaseline } from '../../../../test/helpers/relative-time.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = (name: string) => readFileSync(path.join(here, 'testdata/locks', name));

describe('requirements files', () => {
  it('reads only pinned lines: extras, markers, hashes and options handled, the rest passed over', () => {
    const { packages, warnings } = parseRequirements(decodeRequirements(file('requirements.txt')));
    expect(warnings).toEqual([]);
    expect(packages).toEqual([
      { type: 'pypi', name: 'Django', version: '4.2.7' },
      { type: 'pypi', name: 'requests', version: '2.31.0', properties: { 'python.extras': 'socks,security' } },
      { type: 'pypi', name: 'urllib3', version: '1.26.18', properties: { 'python.markers': 'python_version < "3.10"' } },
      { type: 'pypi', name: 'cryptography', version: '41.0.5' },
      { type: 'pypi', name: 'PyYAML', version: '6.0.1' },
    ]);
  });

  it('tells direct from indirect pins by the notes pip-compile writes', () => {
    const { packages } = parseRequirements(decodeRequirements(file('requirements-compiled.txt')));
    expect(packages.map((p) => `${p.name}@${p.version} ${p.indirect ? 'indirect' : 'direct'}`)).toEqual([
      'certifi@2023.7.22 indirect',
      'charset-normalizer@3.3.2 indirect',
      'flask@3.0.0 direct',
      'flask-cors@4.0.0 direct',
      'idna@3.4 indirect',
      'requests@2.31.0 direct',
      'urllib3@2.0.7 indirect',
    ]);
  });

  it('leaves indirect unset without such notes', () => {
    expect(parseRequirements('six==1.16.0\n').packages).toEqual([{ type: 'pypi', name: 'six', version: '1.16.0' }]);
  });

  it('reads the UTF-16 files pip freeze writes in PowerShell', () => {
    const text = 'certifi==2023.7.22\r\nidna==3.4\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const content of [le, be, bom]) {
      expect(parseRequirements(decodeRequirements(content)).packages.map((p) => p.name)).toEqual(['certifi', 'idna']);
    }
  });

  it('joins continued lines', () => {
    expect(parseRequirements('Flask==\\\n  3.0.0\n').packages).toEqual([{ type: 'pypi', name: 'Flask', version: '3.0.0' }]);
  });

  it('fails fast on lines built to make a pattern backtrack', () => {
    // Each hostile line against a pinned line of the same length: a long hash option, read straight through.
    const pinned = (length: number) => `six==1.16.0 --hash=sha256:${'a'.repeat(length - 27)}\n`;
    for (const line of [`a${' '.repeat(60_000)}b==1\n`, `${'a'.repeat(30_000)}[${' '.repeat(30_000)}\n`]) {
      const benign = pinned(line.length);
      expect(benign.length).toBe(line.length);
      expect(parseRequirements(line).packages).toEqual([]);
      expect(parseRequirements(benign).packages.map((p) => p.name)).toEqual(['six']);
      expectComparableCost(() => parseRequirements(line), () => parseRequirements(benign), line.slice(0, 3));
    }
  });

  it('wants requirements*.txt in checkouts', () => {
    const info = { path: '', size: 0, mode: 0o644, uid: 0, gid: 0 };
    expect(pipRequirementsAnalyzer.wants('/app/requirements.txt', info)).toBe(true);
    expect(pipRequirementsAnalyzer.wants('/app/requirements_test.txt', info)).toBe(true);
    expect(pipRequirementsAnalyzer.wants('/app/requirements.in', info)).toBe(false);
    expect(pipRequirementsAnalyzer.targets).toEqual(['fs']);
  });

  it('never throws on random or damaged input, and bounds continued lines', () => {
    const originals = [file('requirements.txt'), file('requirements-compiled.txt')];
    const benignMs = bestOf3(() => originals.forEach((o) => parseRequirements(decodeRequirements(o))));
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutationsOf(originals[0]!), mutationsOf(originals[1]!)), (bytes) => {
        withinBaseline(benignMs, () => {
          const { packages, warnings } = parseRequirements(decodeRequirements(bytes));
          expect(Array.isArray(packages) && Array.isArray(warnings)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
    const long = parseRequirements(`${`${'x'.repeat(100)} \\\n`.repeat(1000)}end\nsix==1.16.0\n`);
    expect(long.warnings).toEqual(['line 643: a continued line longer than 65536 characters; skipped']);
    expect(long.packages.map((p) => p.name)).toEqual(['six']);
  });
});
