import { describe, expect, it } from 'vitest';
import { chainInstructions, loadDockerfile, logicalText, lookupFor } from './document.js';
import { processWord, splitWords } from './variables.js';

describe('loadDockerfile', () => {
  it('builds stages with names, bases and the final image chain', () => {
    const doc = loadDockerfile(
      ['ARG VARIANT=slim', 'FROM node:20-${VARIANT} AS Base', 'ENV A=1', 'FROM base AS build', 'RUN make', 'FROM scratch AS out', 'FROM base', 'ENV B=$A'].join('\n'),
      'Dockerfile',
    );
    expect(doc.stages.map((s) => [s.name, s.base.kind, s.parent?.index ?? null, s.inFinalImage])).toEqual([
      ['base', 'image', null, true],
      ['build', 'stage', 0, false],
      ['out', 'scratch', null, false],
      [undefined, 'stage', 0, true],
    ]);
    expect(doc.stages[0]!.base).toMatchObject({ kind: 'image', text: 'node:20-slim', viaVariable: true });
    expect(doc.finalStage?.index).toBe(3);
    expect(chainInstructions(doc.finalStage!).map((i) => i.span.startLine)).toEqual([3, 8]);
    // ENV is inherited from the parent stage; B resolves through it.
    const last = doc.instructions.at(-1)!;
    expect(lookupFor(doc, last)('A')).toBe('1');
    expect(lookupFor(doc, last)('VARIANT')).toBeUndefined();
  });

  it('makes a global ARG visible in a stage only when redeclared', () => {
    const doc = loadDockerfile(['ARG V=1', 'FROM alpine:3.19', 'RUN echo $V', 'ARG V', 'RUN echo $V'].join('\n'), 'Dockerfile');
    const [, , run1, , run2] = doc.instructions;
    expect(lookupFor(doc, run1!)('V')).toBeUndefined();
    expect(lookupFor(doc, run2!)('V')).toBe('1');
  });

  it('marks unresolved and invalid bases', () => {
    const doc = loadDockerfile(['ARG BASE', 'FROM $BASE', 'FROM Not/Valid', 'FROM'].join('\n'), 'Dockerfile');
    expect(doc.stages.map((s) => s.base.kind)).toEqual(['unresolved', 'invalid', 'missing']);
  });
});

describe('logicalText', () => {
  it('joins continued lines and drops comment and empty lines inside them', () => {
    const lines = ['RUN a \\', '  # note', '', '  b \\', '  c', 'USER x'];
    const t = logicalText(lines, 0, 4, 4, 3, '\\');
    expect(t.text).toBe('a   b   c');
    expect(t.segments).toEqual([
      { offset: 0, line: 1 },
      { offset: 2, line: 4 },
      { offset: 6, line: 5 },
    ]);
  });
});

describe('processWord', () => {
  const vars: Record<string, string | null> = { A: 'x', EMPTY: '', UNKNOWN: null };
  const lookup = (n: string) => vars[n];
  it('substitutes and reports completeness', () => {
    expect(processWord('"$A-${A}"', lookup)).toEqual({ value: 'x-x', complete: true });
    expect(processWord("'$A'", lookup)).toEqual({ value: '$A', complete: true });
    expect(processWord('\\$A', lookup)).toEqual({ value: '$A', complete: true });
    expect(processWord('${EMPTY:-d}${A:+set}${NOPE:-n}', lookup)).toEqual({ value: 'dsetn', complete: true });
    expect(processWord('${UNKNOWN:-d}', lookup)).toEqual({ value: 'd', complete: false });
    expect(processWord('$UNKNOWN/x', lookup)).toEqual({ value: '$UNKNOWN/x', complete: false });
    expect(processWord('${A%%.*}', lookup).complete).toBe(false);
    expect(processWord('${A', lookup).complete).toBe(false);
  });

  it('splits words on unquoted whitespace', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g`).map((w) => w.raw)).toEqual(['a', '"b c"', "'d e'", 'f\\ g']);
  });
});
