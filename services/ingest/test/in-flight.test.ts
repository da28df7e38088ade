import { describe, expect, it } from "vitest";
import { InFlight } from "../src/in-flight.js";

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("batches in flight per partition", () => {
  it("holds a partition's next batch until the one before has settled; other partitions do not wait", async () => {
    const f = new InFlight();
    const p0 = deferred();
    f.track(0, p0.promise);
    const order: string[] = [];
    const next0 = f.settled(0).then(() => order.push("partition 0 may go on"));
    const other = f.settled(1).then(() => order.push("partition 1 may go on"));
    await tick();
    expect(order).toEqual(["partition 1 may go on"]);
    p0.resolve();
    await Promise.all([next0, other]);
    expect(order).toEqual(["partition 1 may go on", "partition 0 may go on"]);
    await tick();
    expect(f.size).toBe(0);
  });

  it("passes a batch's failure to the partition's next batch once, then starts afresh", async () => {
    const f = new InFlight();
    const p = deferred();
    f.track(2, p.promise);
    p.reject(new Error("aborted: the partition was taken away"));
    await expect(f.settled(2)).rejects.toThrow("taken away");
    await expect(f.settled(2)).resolves.toBeUndefined();
    expect(f.size).toBe(0);
  });

  it("drains: waits for running handlers and for what they leave in flight, failures included", async () => {
    const f = new InFlight();
    const acks = deferred();
    const failing = deferred();
    f.track(1, failing.promise);
    const gate = deferred();
    // A handler still running when the drain starts adds a batch in flight after it.
    void f.handle(async () => {
      await gate.promise;
      f.track(0, acks.promise);
    });
    let drained = false;
    const drain = f.drain().then(() => (drained = true));
    failing.reject(new Error("stopped"));
    await tick();
    gate.resolve();
    await tick();
    expect(drained).toBe(false);
    acks.resolve();
    await drain;
    expect(drained).toBe(true);
    expect(f.size).toBe(0);
  });
});
