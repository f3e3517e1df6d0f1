import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBerryLock, parseBerryYarnLock, parseClassicYarnLock, parseYarnLock, yarnLockAnalyzer } from './yarn-lock.js';
import { mutationsOf, randomBytes } from './testdata/fuzz.js';
import { bestOf3, withinBaseline } from '../../../../test/helpers/relative-time.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const lock = (name: string) => readFileSync(path.join(here, 'testdata/locks', name), 'utf8');
const info = (p: string) => ({ path: p, size: 0, mode: 0o644, uid: 0, gid: 0 });

describe('yarn-lock analyzer', () => {
  it('wants yarn.lock outside node_modules, in checkouts', () => {
    expect(yarnLockAnalyzer.wants('/web/yarn.lock', info('/web/yarn.lock'))).toBe(true);
    expect(yarnLockAnalyzer.wants('/web/node_modules/x/yarn.lock', info(''))).toBe(false);
    expect(yarnLockAnalyzer.wants('/web/yarn.lock.bak', info(''))).toBe(false);
    expect(yarnLockAnalyzer.targets).toEqual(['fs']);
  });

  it('tells the two formats apart', () => {
    expect(isBerryLock(lock('yarn-berry.lock'))).toBe(true);
    expect(isBerryLock(lock('yarn-classic.lock'))).toBe(false);
  });

  it('reads a classic lock: quoted and multiple specifiers, aliases, git sources', () => {
    const { packages, warnings } = parseClassicYarnLock(lock('yarn-classic.lock'));
    expect(warnings).toEqual([]);
    expect(packages).toEqual([
      { type: 'npm', name: '@babel/code-frame', version: '7.12.13' },
      { type: 'npm', name: '@babel/highlight', version: '7.13.10' },
      { type: 'npm', name: 'left-pad', version: '1.3.0' },
      { type: 'npm', name: 'lodash', version: '4.17.21' },
      // Its dependency named `version` (four spaces in) is not its version.
      { type: 'npm', name: 'semver-bump', version: '2.0.1' },
      // `string-width-cjs@npm:string-width@^4.2.0` installs string-width.
      { type: 'npm', name: 'string-width', version: '4.2.3' },
    ]);
  });

  it('reads a berry lock: direct dependencies from the workspaces, no workspaces or patches', () => {
    const { packages, warnings } = parseBerryYarnLock(lock('yarn-berry.lock'));
    expect(warnings).toEqual([]);
    expect(packages).toEqual([
      { type: 'npm', name: '@babel/code-frame', version: '7.23.5', indirect: false },
      { type: 'npm', name: '@babel/highlight', version: '7.23.4', indirect: true },
      // Declared by the packages/shared workspace.
      { type: 'npm', name: 'chalk', version: '2.4.2', indirect: false },
      { type: 'npm', name: 'fsevents', version: '2.3.3', indirect: false },
      { type: 'npm', name: 'lodash', version: '4.17.21', indirect: false },
      { type: 'npm', name: 'string-width', version: '4.2.3', indirect: false },
    ]);
  });

  it('keeps versions as written, not as YAML numbers', () => {
    const text = '__metadata:\n  version: 8\n\n"x@npm:^1.10":\n  version: 1.10\n  resolution: "x@npm:1.10"\n';
    expect(parseBerryYarnLock(text).packages).toEqual([{ type: 'npm', name: 'x', version: '1.10' }]);
  });

  it('warns about malformed input without throwing', () => {
    expect(parseClassicYarnLock('lodash@^4:\n  version "4.17.21"\nstray line\n').warnings).toEqual([
      'line 3 is neither an entry header nor a field; skipped',
    ]);
    expect(parseClassicYarnLock('lodash@^4:\n  resolved "x"\n').warnings).toEqual(['entry at line 1 has no version; skipped']);
    expect(parseYarnLock('__metadata:\n  version: 8\n"a@npm:1": [').warnings[0]).toMatch(/^not valid YAML/);
    expect(parseBerryYarnLock('__metadata:\n  version: 8\n"a@npm:1":\n  version: 1.0.0\n').warnings).toEqual([
      '"a@npm:1" has no usable resolution; skipped',
    ]);
  });

  it('never throws on random or damaged input', () => {
    const classic = Buffer.from(lock('yarn-classic.lock'));
    const berry = Buffer.from(lock('yarn-berry.lock'));
    const benignMs = bestOf3(() => [classic, berry].forEach((o) => parseYarnLock(o.toString('utf8'))));
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutationsOf(classic), mutationsOf(berry)), (bytes) => {
        withinBaseline(benignMs, () => {
          const { packages, warnings } = parseYarnLock(bytes.toString('utf8'));
          expect(Array.isArray(packages) && Array.isArray(warnings)).toBe(true);
        });
      }),
      { numRuns: 400 },
    );
  });
});
