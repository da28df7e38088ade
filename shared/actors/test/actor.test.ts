import { describe, expect, it } from "vitest";
import { Actor, ActorStoppedError, Mailbox } from "../src/index.js";

describe("Mailbox", () => {
  it("makes put wait while full (backpressure) and keeps FIFO order", async () => {
    const box = new Mailbox<number>(2);
    await box.put(1);
    await box.put(2);
    let third = false;
    const p = box.put(3).then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    expect(await box.take()).toBe(1);
    await p;
    expect(third).toBe(true);
    expect([await box.take(), await box.take()]).toEqual([2, 3]);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new Mailbox(0)).toThrow(RangeError);
  });
});

describe("Actor", () => {
  it("handles messages one at a time, in order", async () => {
    const seen: number[] = [];
    let inFlight = 0;
    const a = new Actor<number>(
      "t",
      async (m) => {
        inFlight++;
        expect(inFlight).toBe(1);
        await new Promise((r) => setImmediate(r));
        seen.push(m);
        inFlight--;
      },
      { capacity: 3 },
    );
    await Promise.all([1, 2, 3, 4, 5, 6].map((m) => a.tell(m)));
    await a.idle();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("idle waits for messages still waiting for room in a full mailbox", async () => {
    let handled = 0;
    const a = new Actor<number>("t", () => void handled++, { capacity: 1 });
    const tells = Array.from({ length: 50 }, (_, i) => a.tell(i));
    await a.idle();
    expect(handled).toBe(50);
    await Promise.all(tells);
  });

  it("reports a failing message and goes on", async () => {
    const errors: unknown[] = [];
    const seen: number[] = [];
    const a = new Actor<number>(
      "t",
      (m) => {
        if (m === 2) throw new Error("boom");
        seen.push(m);
      },
      { onError: (e) => errors.push(e) },
    );
    for (const m of [1, 2, 3]) await a.tell(m);
    await a.idle();
    expect(seen).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
  });

  it("stop handles what is queued, then refuses new messages", async () => {
    const seen: number[] = [];
    const a = new Actor<number>("t", (m) => void seen.push(m));
    await a.tell(1);
    await a.tell(2);
    await a.stop();
    expect(seen).toEqual([1, 2]);
    await expect(a.tell(3)).rejects.toBeInstanceOf(ActorStoppedError);
  });
});
