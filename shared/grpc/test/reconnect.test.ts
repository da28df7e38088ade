import { describe, expect, it } from "vitest";
import { DEFAULT_RECONNECT, nextDelay } from "../src/reconnect.js";

describe("the reconnect policy of watch", () => {
  it("backs off exponentially from 0.5 s to at most 10 s, with ±20 % jitter", () => {
    const p = { ...DEFAULT_RECONNECT, retries: -1 };
    expect([1, 2, 3, 4, 5, 6, 50].map((f) => nextDelay(p, f, 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(nextDelay(p, 1, 0)).toBe(400);
    expect(nextDelay(p, 6, 0.999)).toBeLessThanOrEqual(12_000);
    expect(nextDelay(p, 1_000_000, 0.5)).toBe(10_000);
  });

  it("gives up after `retries` failures in a row, never when retries is negative", () => {
    expect(nextDelay({ ...DEFAULT_RECONNECT, retries: 0 }, 1, 0.5)).toBeUndefined();
    expect(nextDelay({ ...DEFAULT_RECONNECT, retries: 2 }, 2, 0.5)).toBe(1000);
    expect(nextDelay({ ...DEFAULT_RECONNECT, retries: 2 }, 3, 0.5)).toBeUndefined();
    expect(nextDelay({ ...DEFAULT_RECONNECT, retries: -1 }, 10_000, 0.5)).toBe(10_000);
  });
});

describe("grpcReason", () => {
  it("drops grpc-js's empty 'Resolution note:' tail and keeps the rest", async () => {
    const { grpcReason } = await import("../src/reconnect.js");
    expect(grpcReason("No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ")).toBe(
      "No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1",
    );
    expect(grpcReason("Resolution note: dns failed")).toBe("Resolution note: dns failed");
    expect(grpcReason("Connection dropped")).toBe("Connection dropped");
  });
});
