import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob.js';

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

  it('stays fast on patterns built to backtrack', () => {
    const pattern = `${'*a'.repeat(40)}b`;
    const path = 'a'.repeat(200);
    const started = Date.now();
    expect(compileGlob(pattern)(path)).toBe(false);
    expect(compileGlob('/**/**/**/**/**/**/x')(`/${'d/'.repeat(500)}y`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('never throws and stays bounded on random patterns and paths', () => {
    const part = fc.constantFrom('*', '**', '?', '/', 'a', 'b', '.', '!', '[', '\\');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 60 }), fc.array(part, { maxLength: 200 }), (p, s) => {
        const started = performance.now();
        expect(typeof compileGlob(p.join(''))(s.join(''))).toBe('boolean');
        expect(performance.now() - started).toBeLessThan(200);
      }),
      { numRuns: 300 },
    );
  });
});
