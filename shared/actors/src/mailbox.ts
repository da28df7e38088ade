/** A bounded FIFO mailbox: `put` waits while it is full (backpressure), `take` waits while it is empty. */
export class Mailbox<M> {
  private items: M[] = [];
  private head = 0;
  private readonly putters: (() => void)[] = [];
  private taker: ((m: M) => void) | null = null;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`mailbox capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  async put(m: M): Promise<void> {
    while (this.size >= this.capacity) await new Promise<void>((resolve) => this.putters.push(resolve));
    const taker = this.taker;
    if (taker !== null) {
      this.taker = null;
      taker(m);
      return;
    }
    this.items.push(m);
  }

  take(): Promise<M> {
    if (this.size > 0) {
      const m = this.items[this.head] as M;
      this.items[this.head] = undefined as M;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.putters.shift()?.();
      return Promise.resolve(m);
    }
    if (this.taker !== null) throw new Error("mailbox has one reader only");
    return new Promise<M>((resolve) => {
      this.taker = resolve;
    });
  }
}
