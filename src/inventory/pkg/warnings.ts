/** Collects warnings about one file, keeping the first few and counting the rest. */
export class WarningList {
  private readonly kept: string[] = [];
  private dropped = 0;

  constructor(private readonly max = 10) {}

  add(message: string): void {
    if (this.kept.length < this.max) this.kept.push(message);
    else this.dropped++;
  }

  get count(): number {
    return this.kept.length + this.dropped;
  }

  list(): string[] {
    return this.dropped ? [...this.kept, `${this.dropped} more warnings like these`] : [...this.kept];
  }
}
