/** SerialByKey: one task at a time per key, in order; keys independent; a failure does not block the next. */
import { describe, expect, it } from "vitest";
import { SerialByKey } from "../src/serial-by-key.js";

const gate = (): { wait: Promise<void>; open: () => void } => {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
};

describe("SerialByKey", () => {
  it("runs the tasks of one key one after another, in order, and those of other keys meanwhile", async () => {
    const serial = new SerialByKey<number>();
    const log: string[] = [];
    const g = gate();
    const a1 = serial.run(1, async () => {
      log.push("a1 start");
      await g.wait;
      log.push("a1 end");
      return "a1";
    });
    const a2 = serial.run(1, () => {
      log.push("a2");
      return Promise.resolve("a2");
    });
    const b1 = serial.run(2, () => {
      log.push("b1");
      return Promise.resolve("b1");
    });
    await b1;
    expect(log).toEqual(["a1 start", "b1"]);
    g.open();
    expect(await Promise.all([a1, a2])).toEqual(["a1", "a2"]);
    expect(log).toEqual(["a1 start", "b1", "a1 end", "a2"]);
    await new Promise((r) => setImmediate(r));
    expect(serial.busy).toBe(0);
  });

  it("a task that fails settles its own call only; the next task of the key still runs", async () => {
    const serial = new SerialByKey<string>();
    const failed = serial.run("k", () => Promise.reject(new Error("boom")));
    const next = serial.run("k", () => Promise.resolve(2));
    await expect(failed).rejects.toThrow("boom");
    expect(await next).toBe(2);
  });
});
