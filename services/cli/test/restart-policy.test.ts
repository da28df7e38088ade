import { describe, expect, it } from "vitest";
import { nextRestart, restartLine, RESTART_RESET_AFTER_MS } from "../src/commands/restart-policy.js";

describe("cluster's restart policy", () => {
  it("restarts at once, then after a doubling wait up to 30 s", () => {
    const delays: number[] = [];
    let restarts = 0;
    for (let i = 0; i < 8; i++) {
      const r = nextRestart(restarts, 100, 0.5);
      restarts = r.restarts;
      delays.push(r.delayMs);
    }
    expect(delays).toEqual([0, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(restarts).toBe(8);
  });

  it("forgets the count once a child ran for a minute", () => {
    expect(nextRestart(5, RESTART_RESET_AFTER_MS - 1, 0.5)).toEqual({ restarts: 6, delayMs: 16_000 });
    expect(nextRestart(5, RESTART_RESET_AFTER_MS, 0.5)).toEqual({ restarts: 1, delayMs: 0 });
  });

  it("jitters the wait by at most a fifth", () => {
    expect(nextRestart(2, 0, 0).delayMs).toBe(1600);
    expect(nextRestart(2, 0, 0.999999).delayMs).toBe(2400);
  });

  it("says what happened and when the child comes back", () => {
    expect(restartLine("dedup-1", "SIGKILL", { restarts: 1, delayMs: 0 })).toBe(
      "[dedup-1] exited SIGKILL while the cluster runs; restarting it now (restart 1 in a row)",
    );
    expect(restartLine("aggregator", "1", { restarts: 3, delayMs: 2000 })).toBe(
      "[aggregator] exited 1 while the cluster runs; restarting it in 2.0 s (restart 3 in a row)",
    );
  });
});
