/**
 * Fixed-size bitsets for the connectivity engine: a peer evaluates once into the pods and the
 * external ranges ("atoms") it matches, one bit each.
 */

/** A small fixed-size bitset. */
export class Bits {
  readonly words: Uint32Array;
  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }
  set(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }
  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }
  or(o: Bits): void {
    for (let i = 0; i < this.words.length; i++) this.words[i] |= o.words[i];
  }
  clear(): void {
    this.words.fill(0);
  }
  fill(): void {
    this.words.fill(0xffffffff);
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let w = 0; w < this.words.length; w++) {
      let word = this.words[w];
      while (word !== 0) {
        const t = word & -word;
        const i = (w << 5) + (31 - Math.clz32(t));
        if (i >= this.size) return;
        yield i;
        word ^= t;
      }
    }
  }
}

/** A peer evaluated to the pods and external atoms it matches. */
export interface PeerSet {
  pods: Bits;
  atoms: Bits;
}
