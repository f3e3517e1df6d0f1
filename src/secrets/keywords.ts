/**
 * The keyword prefilter: an Aho-Corasick automaton over bytes, ASCII case
 * folded, compiled to one dense transition table. One pass over a file's raw
 * bytes (no decoding, no lower-casing) says which keywords occur; a file
 * without any costs one table lookup per byte and nothing else.
 */

const ALPHABET = 256;

export class KeywordMatcher {
  readonly keywords: readonly string[];
  private readonly table: Int32Array;
  /** Keyword indexes recognised on entering each state (the state's own and its failure chain's). */
  private readonly outputs: ReadonlyArray<readonly number[]>;
  private readonly hasOutput: Uint8Array;

  /** `keywords` must be lower-case ASCII (see `isAsciiKeyword`). */
  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const goto: Array<Map<number, number>> = [new Map()];
    const outputs: number[][] = [[]];
    keywords.forEach((k, index) => {
      let s = 0;
      for (let j = 0; j < k.length; j++) {
        const c = k.charCodeAt(j);
        let n = goto[s]!.get(c);
        if (n === undefined) {
          n = goto.length;
          goto.push(new Map());
          outputs.push([]);
          goto[s]!.set(c, n);
        }
        s = n;
      }
      outputs[s]!.push(index);
    });
    const states = goto.length;
    const table = new Int32Array(states * ALPHABET);
    const fail = new Int32Array(states);
    // Breadth-first, so a state's failure target is complete before the state is.
    const queue = [0];
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (let c = 0; c < ALPHABET; c++) {
        const folded = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
        const n = goto[s]!.get(folded);
        if (n !== undefined) {
          table[s * ALPHABET + c] = n;
          if (c === folded) {
            fail[n] = s === 0 ? 0 : table[fail[s]! * ALPHABET + c]!;
            outputs[n] = [...outputs[n]!, ...outputs[fail[n]!]!];
            queue.push(n);
          }
        } else {
          table[s * ALPHABET + c] = s === 0 ? 0 : table[fail[s]! * ALPHABET + c]!;
        }
      }
    }
    this.table = table;
    this.outputs = outputs;
    this.hasOutput = Uint8Array.from(outputs, (o) => (o.length ? 1 : 0));
  }

  /** Indexes of the keywords occurring in the bytes (case-insensitively). */
  scanBytes(bytes: Uint8Array): Set<number> {
    const found = new Set<number>();
    const { table, hasOutput, outputs } = this;
    let s = 0;
    for (let i = 0; i < bytes.length; i++) {
      s = table[(s << 8) | bytes[i]!]!;
      if (hasOutput[s]) for (const k of outputs[s]!) found.add(k);
    }
    return found;
  }

  /** The same for a string (decoded values); characters beyond Latin-1 match nothing. */
  scanString(text: string): Set<number> {
    const found = new Set<number>();
    const { table, hasOutput, outputs } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = table[(s << 8) | (c < ALPHABET ? c : 0)]!;
      if (hasOutput[s]) for (const k of outputs[s]!) found.add(k);
    }
    return found;
  }
}

/** True for keywords the byte automaton can match: non-empty lower-case ASCII. */
export function isAsciiKeyword(k: string): boolean {
  return k.length > 0 && /^[\x20-\x7e]+$/.test(k) && k === k.toLowerCase();
}
