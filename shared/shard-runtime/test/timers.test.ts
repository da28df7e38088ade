import { setTimeout as wait } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { realTimers } from "../src/index.js";

describe("realTimers.sleep", () => {
  it("resolves after its time, and once its signal aborts never does (its timer is cleared)", async () => {
    let slept = false;
    await realTimers.sleep(5).then(() => (slept = true));
    expect(slept).toBe(true);
    const settled = new AbortController();
    let woke = false;
    void realTimers.sleep(20, settled.signal).then(() => (woke = true));
    settled.abort();
    await wait(60);
    expect(woke).toBe(false);
    const already = AbortSignal.abort();
    let early = false;
    void realTimers.sleep(1, already).then(() => (early = true));
    await wait(20);
    expect(early).toBe(false);
  });
});
