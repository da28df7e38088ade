import { describe, expect, it } from "vitest";
import { InMemoryTransport, NoSubscriberError, ShardHost, type ShardBehavior } from "../src/index.js";

class Sum implements ShardBehavior<number, number> {
  constructor(private total: number) {}
  handle(n: number): void {
    this.total += n;
  }
  snapshot(): number {
    return this.total;
  }
}

const host = (t: InMemoryTransport, name: string): ShardHost<number, number> =>
  new ShardHost({ name, transport: t, subjectOf: (s) => `sum.${s}`, create: (_s, snap) => new Sum(snap ?? 0) });

describe("ShardHost", () => {
  it("routes a shard's subject to its actor", async () => {
    const t = new InMemoryTransport();
    const h = host(t, "a");
    h.acquire(0);
    h.acquire(1);
    await t.publish("sum.0", 5);
    await t.publish("sum.1", 7);
    await t.publish("sum.0", 1);
    await h.idle();
    expect(await h.release(0)).toBe(6);
    expect(h.owned()).toEqual([1]);
  });

  it("hands a shard over with its state, losing and repeating nothing", async () => {
    const t = new InMemoryTransport();
    const a = host(t, "a");
    const b = host(t, "b");
    a.acquire(3);
    for (let i = 1; i <= 10; i++) await t.publish("sum.3", i);
    const snap = await a.release(3);
    b.acquire(3, snap);
    for (let i = 11; i <= 20; i++) await t.publish("sum.3", i);
    expect(await b.release(3)).toBe(210);
  });

  it("refuses to publish where no shard listens", async () => {
    const t = new InMemoryTransport();
    await expect(t.publish("sum.9", 1)).rejects.toBeInstanceOf(NoSubscriberError);
  });
});
