import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordAssembler } from './assemble.js';
import { CONTEXT_FIELDS, FIELD, MAIN, TRUNCATED_CHUNK, WALK } from './protocol.js';

const ctx = [100, 1, 0, 0, 55, 4026532179, 'cat'];
const main = (code: keyof typeof MAIN, tid: number, key: number, fields: number[]) => [code, tid, key, ...ctx, ...fields];
const C = 159;

describe('RecordAssembler', () => {
  it('joins string chunks while they are full and stops at a short one', () => {
    const a = new RecordAssembler({ chunk: C });
    a.add(['s', 7, 1, FIELD.upath, 0, 0, 'x'.repeat(C)]);
    a.add(['s', 7, 1, FIELD.upath, 0, 1, 'tail']);
    a.add(['s', 7, 1, FIELD.upath, 0, 2, 'garbage after a short chunk']);
    const r = a.add(main('H', 7, 1, [1, 0o755, -100]));
    expect(r.type).toBe('event');
    if (r.type !== 'event') return;
    const s = r.event.strings.get(FIELD.upath)!.get(0)!;
    expect(s.bytes.toString()).toBe(`${'x'.repeat(C)}tail`);
    expect(s).toMatchObject({ truncated: false, incomplete: false });
    expect(r.event.ctx.comm.toString()).toBe('cat');
    expect(r.event.values).toEqual({ sys: 1, mode: 0o755, dfd: -100 });
  });

  it('marks a string cut at the chunk limit, and one with a lost chunk', () => {
    const a = new RecordAssembler({ chunk: C });
    a.add(['s', 7, 2, FIELD.upath, 0, 0, 'y'.repeat(C)]);
    a.add(['s', 7, 2, FIELD.upath, 0, TRUNCATED_CHUNK, '']);
    a.add(['s', 7, 2, FIELD.upath2, 0, 1, 'second chunk without the first']);
    const r = a.add(main('N', 7, 2, [1, -100, -100, 0]));
    if (r.type !== 'event') throw new Error(r.type);
    expect(r.event.strings.get(FIELD.upath)!.get(0)).toMatchObject({ truncated: true, incomplete: false });
    expect(r.event.strings.get(FIELD.upath2)!.get(0)).toMatchObject({ incomplete: true });
  });

  it('builds kernel paths root first and refuses incomplete walks', () => {
    const a = new RecordAssembler({ chunk: C });
    a.add(['d', 9, 3, FIELD.path, 0, 0, 'shadow']);
    a.add(['d', 9, 3, FIELD.path, 1, 0, 'etc']);
    a.add(['w', 9, 3, FIELD.path, 2, WALK.root]);
    a.add(['d', 9, 3, FIELD.exe, 0, 0, 'x']);
    a.add(['w', 9, 3, FIELD.exe, 2, WALK.root]); // one component lost
    a.add(['w', 9, 3, FIELD.cwd, 30, WALK.depthLimit]);
    const r = a.add(main('O', 9, 3, [2, 3, 0, 0, 0o100644]));
    if (r.type !== 'event') throw new Error(r.type);
    expect(r.event.paths.get(FIELD.path)!.bytes!.toString()).toBe('/etc/shadow');
    expect(r.event.paths.get(FIELD.exe)).toMatchObject({ problem: 'missing-components' });
    expect(r.event.paths.get(FIELD.cwd)).toMatchObject({ problem: 'depth-limit' });
  });

  it('keeps pieces of different probe runs of one thread apart', () => {
    const a = new RecordAssembler({ chunk: C });
    a.add(['d', 9, 10, FIELD.path, 0, 0, 'a']);
    a.add(['w', 9, 10, FIELD.path, 1, WALK.root]);
    a.add(['d', 9, 11, FIELD.path, 0, 0, 'b']);
    a.add(['w', 9, 11, FIELD.path, 1, WALK.root]);
    const second = a.add(main('O', 9, 11, [2, 3, 0, 0, 0]));
    const first = a.add(main('O', 9, 10, [2, 3, 0, 0, 0]));
    if (first.type !== 'event' || second.type !== 'event') throw new Error('no event');
    expect(first.event.paths.get(FIELD.path)!.bytes!.toString()).toBe('/a');
    expect(second.event.paths.get(FIELD.path)!.bytes!.toString()).toBe('/b');
  });

  it('evicts and counts pieces whose main record never comes', () => {
    const a = new RecordAssembler({ chunk: C, maxPending: 2 });
    for (let k = 0; k < 5; k++) a.add(['s', 1, k, FIELD.arg, 0, 0, 'x']);
    expect(a.orphaned).toBe(3);
    expect(a.pendingCount).toBe(2);
  });

  it('classifies bad records', () => {
    const a = new RecordAssembler({ chunk: C });
    expect(a.add(['Z', 1, 2]).type).toBe('unknown');
    expect(a.add([1, 2, 3]).type).toBe('malformed');
    expect(a.add(['X', 1, 2, 3]).type).toBe('malformed');
    expect(a.add(['s', 1, 2, 3, 4, 5]).type).toBe('malformed');
    const badComm = [...main('Q', 1, 2, [0])];
    badComm[3 + CONTEXT_FIELDS.length - 1] = 5;
    expect(a.add(badComm).type).toBe('malformed');
    expect(a.add(['B', 5]).type).toBe('ready');
  });

  it('never throws on arbitrary tuples', () => {
    const value = fc.oneof(fc.constantFrom('s', 'd', 'w', 'X', 'O', 'C', 'B', 'Q'), fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 300 }), fc.double());
    fc.assert(
      fc.property(fc.array(fc.array(value, { maxLength: 30 }), { maxLength: 30 }), (tuples) => {
        const a = new RecordAssembler({ chunk: C, maxPending: 8 });
        for (const t of tuples) expect(['event', 'ready', 'piece', 'malformed', 'unknown']).toContain(a.add(t).type);
      }),
      { numRuns: 300 },
    );
  });
});
