import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, type GlobWork } from './glob.js';

/**
 * Matches while counting the matcher's steps. The table costs at most pattern length x path length;
 * a backtracking matcher grows exponentially on the hostile inputs below, and the counter stops it
 * at the bound with an error instead of letting the test hang.
 */
function matchCounted(pattern: string, path: string): { matched: boolean; steps: number; bound: number } {
  const bound = 2 * (pattern.length + 2) * (path.length + 2);
  let steps = 0;
  const work: GlobWork = {
    get steps() {
      return steps;
    },
    set steps(n: number) {
      if (n > bound) throw new Error(`matching ${JSON.stringify(pattern.slice(0, 40))} took more than ${bound} steps`);
      steps = n;
    },
  };
  const matched = compileGlob(pattern, work)(path);
  return { matched, steps, bound };
}

describe('compileGlob', () => {
  it('matches literal paths with or without the leading slash', () => {
    expect(compileGlob('/var/lib/dpkg/status')('/var/lib/dpkg/status')).toBe(true);
    expect(compileGlob('var/lib/dpkg/status')('/var/lib/dpkg/status')).toBe(true);
    expect(compileGlob('/var/lib/dpkg/status')('var/lib/dpkg/status')).toBe(true);
    expect(compileGlob('/var/lib/dpkg/status')('/var/lib/dpkg/status.d')).toBe(false);
  });

  it('keeps * inside one segment', () => {
    const m = compileGlob('/usr/lib/python3*/site-packages/*.dist-info/METADATA');
    expect(m('/usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA')).toBe(true);
    expect(m('/usr/lib/python3.11/x/site-packages/requests-2.31.0.dist-info/METADATA')).toBe(false);
    expect(compileGlob('/app/*')('/app/node_modules/lodash/package.json')).toBe(false);
  });

  it('lets ** cross any number of segments, including none', () => {
    const m = compileGlob('/app/**/package.json');
    expect(m('/app/package.json')).toBe(true);
    expect(m('/app/node_modules/lodash/package.json')).toBe(true);
    expect(m('/app/node_modules/@babel/core/package.json')).toBe(true);
    expect(m('/srv/app/package.json')).toBe(false);
    expect(compileGlob('**/go.sum')('/src/tools/go.sum')).toBe(true);
  });

  it('treats a trailing slash as everything below the folder', () => {
    const m = compileGlob('/app/node_modules/');
    expect(m('/app/node_modules/lodash/package.json')).toBe(true);
    expect(m('/app/src/index.js')).toBe(false);
  });

  it('supports ? and embedded archive paths', () => {
    expect(compileGlob('/app/lib/log4j-core-2.1?.?.jar')('/app/lib/log4j-core-2.14.1.jar')).toBe(true);
    expect(compileGlob('/app/x.war!/WEB-INF/lib/*.jar')('/app/x.war!/WEB-INF/lib/jackson-databind-2.9.8.jar')).toBe(true);
  });

  it('does work bounded by pattern x path on patterns built to backtrack', () => {
    for (const [pattern, path] of [
      [`${'*a'.repeat(40)}b`, 'a'.repeat(200)],
      ['/**/**/**/**/**/**/x', `/${'d/'.repeat(500)}y`],
      [`/${'*a/'.repeat(30)}b`, `/${'aaaa/'.repeat(60)}c`],
      // Where ** can end is a choice per ** : tried one by one, that is C(200, 8) ways.
      [`/${'**/a/'.repeat(8)}b`, `/${'a/'.repeat(200)}c`],
    ] as const) {
      const { matched, steps, bound } = matchCounted(pattern, path);
      expect(matched).toBe(false);
      expect(steps).toBeGreaterThan(0);
      expect(steps, pattern).toBeLessThanOrEqual(bound);
    }
  });

  it('never throws and stays bounded on random patterns and paths', () => {
    const part = fc.constantFrom('*', '**', '?', '/', 'a', 'b', '.', '!', '[', '\\');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 60 }), fc.array(part, { maxLength: 200 }), (p, s) => {
        const { matched, steps, bound } = matchCounted(p.join(''), s.join(''));
        expect(typeof matched).toBe('boolean');
        expect(steps).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 300 },
    );
  });
});
