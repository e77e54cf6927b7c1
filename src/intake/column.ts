// A growable column of numbers in a typed array: the in-memory indexes of the spool and the DLQ
// hold only positions, lengths and small ids (a few bytes per record, never the records).

export class Column {
  private data: Float64Array | Uint32Array;
  private n = 0;

  /**
   * `u32` for lengths and ids; `auto` for byte positions and offsets: 4 bytes each while they
   * fit in 32 bits, 8 (float64, exact up to 2^53) from the first one that does not.
   */
  constructor(private kind: "f64" | "u32" | "auto") {
    this.data = this.alloc(1024);
  }

  get length(): number {
    return this.n;
  }

  push(v: number): void {
    if (this.kind === "auto" && v > 0xffffffff) {
      this.kind = "f64";
      const wider = this.alloc(this.data.length);
      wider.set(this.data);
      this.data = wider;
    }
    if (this.n === this.data.length) {
      const bigger = this.alloc(Math.ceil(this.data.length * 1.5));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = v;
  }

  get(i: number): number {
    return this.data[i] as number;
  }

  private alloc(n: number): Float64Array | Uint32Array {
    return this.kind === "f64" ? new Float64Array(n) : new Uint32Array(n);
  }
}

/** First i in [0, n) with key(i) >= target, for keys ascending in i. */
export function lowerBound(n: number, key: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
