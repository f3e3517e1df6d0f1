import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../events.js';
import { listFields, loadRules, RulesLoadError } from './index.js';
import { generateEvents } from './bench.js';
import { audit, exec } from './testdata/events.js';

const sys = listFields('syscall').map((f) => f.name);
const ka = listFields('k8s_audit').map((f) => f.name);
const OPS = ['=', '!=', '<', '>=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'pmatch', 'in', 'intersects', 'bcontains', 'exists'];
const VALUES = ['0', '1', '-1', '0x10', 'bash', '/etc', '10.0.0.0/8', '1.2.3.4', 'true', 'false', '"a b"', 'cafe', '', '*'];

const check = (fields: string[]) =>
  fc.record({ f: fc.constantFrom(...fields), arg: fc.constantFrom('', '[1]', '[x]', '.uid'), op: fc.constantFrom(...OPS), v: fc.constantFrom(...VALUES), vs: fc.array(fc.constantFrom(...VALUES), { maxLength: 3 }) }).map(({ f, arg, op, v, vs }) => {
    const field = f + (f.startsWith('evt.arg') || f.startsWith('proc.a') ? arg : '');
    if (op === 'exists') return `${field} exists`;
    if (op === 'in' || op === 'intersects' || op === 'pmatch') return `${field} ${op} (${vs.filter((x) => x !== '').join(', ')})`;
    return `${field} ${op} ${v === '' ? '""' : v}`;
  });

const condition = (fields: string[]) =>
  fc.array(fc.tuple(fc.constantFrom('and', 'or', 'and not', 'or not'), check(fields)), { minLength: 1, maxLength: 5 }).map((parts) => parts.map(([j, c], i) => (i === 0 ? c : `${j} ${c}`)).join(' '));

describe('compiled conditions', () => {
  const events: RuntimeEvent[] = [...generateEvents(40, 7), exec('/bin/sh', ['-c', 'x'], { proc: { tty: 1 } }), audit({ objectRef: { resource: 'pods' } })];

  it('load or fail with RulesLoadError, and never throw while evaluating', () => {
    fc.assert(
      fc.property(condition(sys), condition(ka), (c1, c2) => {
        const text = `- rule: S\n  desc: d\n  condition: ${JSON.stringify(c1)}\n  output: "%proc.name %fd.name"\n  priority: INFO\n- rule: K\n  desc: d\n  condition: ${JSON.stringify(c2)}\n  output: "%ka.verb"\n  priority: INFO\n  source: k8s_audit`;
        let rs;
        try {
          rs = loadRules([{ path: 'f.yaml', text }]);
        } catch (e) {
          expect(e).toBeInstanceOf(RulesLoadError);
          return;
        }
        for (const e of events) rs.evaluate(e);
        expect(rs.evalErrors).toBe(0);
      }),
      { numRuns: 250 },
    );
  });
});
