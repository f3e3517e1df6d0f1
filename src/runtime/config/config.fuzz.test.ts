import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { checkRuntimeConfig } from './index.js';

/** Parsers of untrusted input: any text gives findings or a BulkheadError, never a crash or a hang. */
describe('checkRuntimeConfig on hostile input', () => {
  const run = (text: string) => {
    try {
      const f = checkRuntimeConfig(text, 'fuzz');
      expect(Array.isArray(f)).toBe(true);
    } catch (e) {
      expect(e).toBeInstanceOf(BulkheadError);
    }
  };

  it('survives arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), run), { numRuns: 300 });
  });

  it('survives arbitrary JSON values shaped like each format', () => {
    const shaped = fc.oneof(
      fc.record({ HostConfig: fc.jsonValue(), Config: fc.jsonValue(), Mounts: fc.jsonValue(), Name: fc.jsonValue() }),
      fc.record({ ociVersion: fc.constant('1.0.2'), process: fc.jsonValue(), root: fc.jsonValue(), linux: fc.jsonValue(), mounts: fc.jsonValue() }),
      fc.record({ apiVersion: fc.constant('v1'), kind: fc.constantFrom('Pod', 'Deployment', 'CronJob', 'List'), metadata: fc.jsonValue(), spec: fc.jsonValue(), items: fc.jsonValue() }),
      fc.record({ containers: fc.array(fc.jsonValue(), { maxLength: 3 }), volumes: fc.jsonValue(), securityContext: fc.jsonValue() }),
    );
    fc.assert(fc.property(shaped, (v) => run(JSON.stringify(v))), { numRuns: 300 });
  });

  it('survives deep nesting and alias bombs', () => {
    run(`${'['.repeat(200)}${']'.repeat(200)}`);
    run('a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n');
    run(`${'- '.repeat(1000)}x`);
  });
});
