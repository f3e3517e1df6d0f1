/**
 * Input generators for the parser fuzz tests: random bytes, and real fixture
 * files with bytes overwritten, inserted or cut off, which reach deeper into
 * a parser than noise does.
 */
import fc from 'fast-check';

export const randomBytes = fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a));

export function mutationsOf(original: Buffer): fc.Arbitrary<Buffer> {
  const edit = fc.record({
    at: fc.nat({ max: Math.max(0, original.length - 1) }),
    kind: fc.constantFrom('set', 'insert', 'delete'),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  });
  return fc.tuple(fc.array(edit, { maxLength: 12 }), fc.nat({ max: original.length })).map(([edits, cut]) => {
    let buf = Buffer.from(original);
    for (const e of edits) {
      const at = Math.min(e.at, buf.length);
      if (e.kind === 'set') buf = Buffer.concat([buf.subarray(0, at), Buffer.from(e.bytes), buf.subarray(at + e.bytes.length)]);
      else if (e.kind === 'insert') buf = Buffer.concat([buf.subarray(0, at), Buffer.from(e.bytes), buf.subarray(at)]);
      else buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + e.bytes.length)]);
    }
    return cut > original.length / 2 ? buf : buf.subarray(0, cut + Math.floor(buf.length / 2));
  });
}
