import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES, parseOutputLine } from './output.js';

describe('parseOutputLine', () => {
  it('reads the message types bpftrace 0.17 prints (recorded lines)', () => {
    expect(parseOutputLine('{"type": "attached_probes", "data": {"probes": 39}}')).toEqual({ type: 'attached', probes: 39 });
    expect(parseOutputLine('{"type": "lost_events", "data": {"events": 504}}')).toEqual({ type: 'lost', count: 504 });
    expect(parseOutputLine('{"type": "value", "data": ["B",18915037809806]}')).toEqual({ type: 'tuple', values: ['B', 18915037809806] });
    expect(parseOutputLine('{"type": "printf", "data": "x"}')).toEqual({ type: 'other', messageType: 'printf' });
  });

  it('reports broken lines instead of dropping them', () => {
    // What printf-built JSON with a hostile name looks like: a valid prefix and garbage.
    expect(parseOutputLine('{"type": "printf", "data": "{"f":"a","uid":0,"x":"b"}"}').type).toBe('malformed');
    expect(parseOutputLine('{"type": "value", "data": [1, {"x": 1}]}').type).toBe('malformed');
    expect(parseOutputLine('[1,2]').type).toBe('malformed');
    expect(parseOutputLine('{"type": "lost_events", "data": {"events": -1}}').type).toBe('malformed');
    expect(parseOutputLine('x'.repeat(MAX_LINE_BYTES + 1)).type).toBe('malformed');
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))), (line) => {
        expect(['attached', 'lost', 'tuple', 'other', 'malformed']).toContain(parseOutputLine(line).type);
      }),
      { numRuns: 500 },
    );
  });
});

describe('LineSplitter', () => {
  it('joins lines split across chunks and keeps a last line without newline', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l.toString()), () => lines.push('<overlong>'));
    for (const chunk of ['ab', 'c\nde', 'f\n\n', 'g']) s.push(Buffer.from(chunk));
    s.end();
    expect(lines).toEqual(['abc', 'def', 'g']);
  });

  it('cuts an overlong line once and resumes at the next newline', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l.toString()), () => lines.push('<overlong>'));
    s.push(Buffer.alloc(MAX_LINE_BYTES, 0x61));
    s.push(Buffer.from('aaaa\nok\n'));
    expect(lines).toEqual(['<overlong>', 'ok']);
  });

  it('yields the same lines however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => s.replace(/\n/g, '')), { maxLength: 10 }), fc.array(fc.nat(50), { maxLength: 10 }), (parts, cuts) => {
        const text = parts.map((p) => `${p}\n`).join('');
        const buf = Buffer.from(text);
        const got: string[] = [];
        const s = new LineSplitter((l) => got.push(l.toString()), () => got.push('<overlong>'));
        let pos = 0;
        for (const c of cuts) {
          s.push(buf.subarray(pos, Math.min(buf.length, pos + c)));
          pos = Math.min(buf.length, pos + c);
        }
        s.push(buf.subarray(pos));
        s.end();
        expect(got).toEqual(parts.filter((p) => p.length > 0));
      }),
      { numRuns: 200 },
    );
  });
});
