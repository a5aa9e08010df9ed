/**
 * A growing array of numbers in blocks of 65,536: growing never copies, and never holds
 * an old and a new array at once (at a million findings, doubling held 24 MB at once for
 * the lookups alone, and up to twice what was needed after).
 */
export class BlockArray<T extends Float64Array | Int32Array> {
  private readonly blocks: T[] = [];
  length = 0;

  constructor(private readonly kind: new (n: number) => T) {}

  push(v: number): void {
    const offset = this.length & BLOCK_MASK;
    if (offset === 0) this.blocks.push(new this.kind(BLOCK_SIZE));
    (this.blocks[this.blocks.length - 1] as T)[offset] = v;
    this.length++;
  }

  get(i: number): number {
    return (this.blocks[i >>> BLOCK_BITS] as T)[i & BLOCK_MASK] as number;
  }

  set(i: number, v: number): void {
    (this.blocks[i >>> BLOCK_BITS] as T)[i & BLOCK_MASK] = v;
  }
}

const BLOCK_BITS = 16;
const BLOCK_SIZE = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_SIZE - 1;
