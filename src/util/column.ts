// A column of numbers appended one at a time into a typed array that doubles as it fills: a
// million entries of a snapshot's walk cost 4 or 8 bytes each, not an object or a boxed number.

export class Column<T extends Float64Array | Uint32Array> {
  length = 0;
  constructor(private data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  at(i: number): number {
    return this.data[i] as number;
  }
}
