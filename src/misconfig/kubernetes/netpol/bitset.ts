/** A fixed-size set of small integers (pod classes, address atoms). */
export class Bitset {
  readonly words: Uint32Array;

  constructor(readonly size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32) || 1);
  }

  static of(size: number, members: Iterable<number>): Bitset {
    const b = new Bitset(size);
    for (const m of members) b.add(m);
    return b;
  }

  static full(size: number): Bitset {
    const b = new Bitset(size);
    for (let i = 0; i < size; i++) b.add(i);
    return b;
  }

  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Add every member of another set of the same size. */
  addAll(o: Bitset): void {
    for (let i = 0; i < this.words.length; i++) this.words[i]! |= o.words[i]!;
  }

  isEmpty(): boolean {
    return this.words.every((w) => w === 0);
  }

  count(): number {
    let n = 0;
    for (let w of this.words) {
      while (w) {
        w &= w - 1;
        n++;
      }
    }
    return n;
  }

  *[Symbol.iterator](): Generator<number> {
    for (let i = 0; i < this.size; i++) if (this.has(i)) yield i;
  }
}
