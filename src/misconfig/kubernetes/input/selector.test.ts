import { describe, expect, it } from 'vitest';
import { isEverything, matches, parseSelector } from './selector.js';

const sel = (v: unknown) => parseSelector(v).selector;

describe('label selectors', () => {
  it('an empty selector selects everything; absent is handled as empty', () => {
    expect(isEverything(sel({}))).toBe(true);
    expect(isEverything(sel(undefined))).toBe(true);
    expect(matches(sel({}), {})).toBe(true);
    expect(matches(sel({ matchLabels: {}, matchExpressions: [] }), { a: 'b' })).toBe(true);
  });

  it('matchLabels and every expression are ANDed', () => {
    const s = sel({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] });
    expect(matches(s, { app: 'web', tier: 'a' })).toBe(true);
    expect(matches(s, { app: 'web', tier: 'c' })).toBe(false);
    expect(matches(s, { app: 'web' })).toBe(false);
    expect(matches(s, { app: 'api', tier: 'a' })).toBe(false);
  });

  it.each([
    ['In', ['x'], { k: 'x' }, true],
    ['In', ['x'], { k: 'y' }, false],
    ['In', ['x'], {}, false],
    ['NotIn', ['x'], { k: 'x' }, false],
    ['NotIn', ['x'], { k: 'y' }, true],
    ['NotIn', ['x'], {}, true],
    ['Exists', [], { k: '' }, true],
    ['Exists', [], {}, false],
    ['DoesNotExist', [], {}, true],
    ['DoesNotExist', [], { k: 'x' }, false],
  ] as const)('%s %j on %j: %s', (operator, values, labels, expected) => {
    expect(matches(sel({ matchExpressions: [{ key: 'k', operator, values }] }), labels)).toBe(expected);
  });

  it('a selector the API server would reject selects nothing and says why', () => {
    const cases: Array<[unknown, string]> = [
      ['app=web', 'must be a mapping'],
      [{ matchLabels: { app: 1 } }, 'must be a string'],
      [{ matchExpressions: [{ key: 'k', operator: 'In', values: [] }] }, 'needs at least one value'],
      [{ matchExpressions: [{ key: 'k', operator: 'Exists', values: ['x'] }] }, 'takes no values'],
      [{ matchExpressions: [{ key: 'k', operator: 'in', values: ['x'] }] }, 'must be In, NotIn'],
      [{ matchExpressions: [{ operator: 'Exists' }] }, 'needs a key'],
      [{ matchExpressions: { key: 'k' } }, 'must be a list'],
    ];
    for (const [v, message] of cases) {
      const p = parseSelector(v);
      expect(p.problem).toContain(message);
      expect(matches(p.selector, {})).toBe(false);
    }
  });

  it('selectors that mean the same have the same key', () => {
    expect(sel({ matchLabels: { a: '1', b: '2' } }).key).toBe(sel({ matchLabels: { b: '2', a: '1' } }).key);
    expect(sel({ matchLabels: { a: '1' } }).key).not.toBe(sel({ matchLabels: { a: '2' } }).key);
  });
});
