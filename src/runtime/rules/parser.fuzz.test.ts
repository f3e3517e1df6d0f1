import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../core/errors.js';
import { exprToString, type BinaryOp, type Expr, type Pos } from './ast.js';
import { parseCondition } from './parser.js';

const P: Pos = { idx: 0, line: 1, col: 1 };
const FIELDS = ['proc.name', 'fd.name', 'proc.aname', 'evt.type', 'container.image.repository', 'ka.verb'];
const OPS: BinaryOp[] = ['=', '!=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'in', 'intersects', 'pmatch'];
const MACROS = ['m1', 'never_true', 'open_write', 'x_y2'];

const value = fc.string({ maxLength: 12 });
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.constantFrom(...MACROS).map((name): Expr => ({ kind: 'identifier', name, pos: P })),
  fc.record({ field: fc.constantFrom(...FIELDS), arg: fc.option(fc.constantFrom('1', '2', '/a b'), { nil: undefined }), op: fc.constantFrom(...OPS), v: value, items: fc.array(value, { maxLength: 4 }) }).map(({ field, arg, op, v, items }): Expr => {
    const left = { kind: 'field' as const, name: field, ...(arg !== undefined ? { arg } : {}), pos: P };
    const right = op === 'in' || op === 'intersects' || op === 'pmatch' ? { kind: 'list' as const, items, pos: P } : { kind: 'value' as const, value: v, pos: P };
    return { kind: 'binary', left, op, right, pos: P };
  }),
  fc.constantFrom(...FIELDS).map((name): Expr => ({ kind: 'unary', left: { kind: 'field', name, pos: P }, op: 'exists', pos: P })),
);

const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('e'), { minLength: 2, maxLength: 4 }).map((children): Expr => ({ kind: 'and', children, pos: P })),
    fc.array(tie('e'), { minLength: 2, maxLength: 4 }).map((children): Expr => ({ kind: 'or', children, pos: P })),
    tie('e').map((child): Expr => ({ kind: 'not', child, pos: P })),
  ),
})).e;

/** Evaluate with every leaf's truth given by a hash of its text: equal logic ⇒ equal results. */
function evaluate(e: Expr, seed: number): boolean {
  switch (e.kind) {
    case 'and':
      return e.children.every((c) => evaluate(c, seed));
    case 'or':
      return e.children.some((c) => evaluate(c, seed));
    case 'not':
      return !evaluate(e.child, seed);
    case 'const':
      return e.value;
    default: {
      const s = exprToString(e);
      let h = seed;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
      return (h & 1) === 1;
    }
  }
}

describe('parseCondition fuzzing', () => {
  it('never throws anything but a BulkheadError on arbitrary text', () => {
    const alphabet = fc.constantFrom(...'()[]"\'\\,=!<>  \n\tandornotinexistspmatchcontains proc.name fd.name evt.type tolower( val( 0x1f -3 /etc *?'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(alphabet, { maxLength: 200 }).map((a) => a.join(''))), (s) => {
        try {
          parseCondition(s);
        } catch (err) {
          expect(err).toBeInstanceOf(BulkheadError);
          expect(['RULES_INVALID', 'LIMIT_EXCEEDED']).toContain((err as BulkheadError).code);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('printing and re-parsing keeps the meaning', () => {
    fc.assert(
      fc.property(expr, fc.integer(), (e, seed) => {
        const text = exprToString(e);
        const back = parseCondition(text);
        expect(evaluate(back, seed)).toBe(evaluate(e, seed));
        expect(exprToString(parseCondition(exprToString(back)))).toBe(exprToString(back));
      }),
      { numRuns: 300 },
    );
  });

  it('hostile nesting and repetition give errors, not crashes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20000 }), fc.constantFrom('(', 'not ', 'not(', 'tolower('), (n, open) => {
        const s = open.repeat(n) + 'a';
        try {
          parseCondition(s);
        } catch (err) {
          expect(err).toBeInstanceOf(BulkheadError);
        }
      }),
      { numRuns: 40 },
    );
  });
});
