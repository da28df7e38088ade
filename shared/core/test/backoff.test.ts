import { describe, expect, it } from "vitest";
import { backoffDelay, isKnownError, KnownError } from "../src/index.js";

describe("the backoff policy", () => {
  const policy = { firstDelayMs: 100, maxDelayMs: 1000 };

  it("doubles from the first delay up to the cap, within ±20 %", () => {
    expect([1, 2, 3, 4, 5, 40].map((f) => backoffDelay(policy, f, 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(policy, 1, 0)).toBe(80);
    expect(backoffDelay(policy, 1, 0.999_999)).toBe(120);
    expect(backoffDelay(policy, 0, 0.5)).toBe(100); // no failure yet counts as the first
  });

  it("gives up after `retries` failures in a row, never by default", () => {
    expect(backoffDelay({ ...policy, retries: 2 }, 2, 0.5)).toBe(200);
    expect(backoffDelay({ ...policy, retries: 2 }, 3, 0.5)).toBeUndefined();
    expect(backoffDelay({ ...policy, retries: 0 }, 1, 0.5)).toBeUndefined();
    expect(backoffDelay(policy, 10_000, 0.5)).toBe(1000);
  });
});

describe("known errors", () => {
  class PortTaken extends KnownError {
    readonly code = "PORT_TAKEN";
    readonly retriable = false;
  }

  it("carry their class's name, a code, whether retrying helps, and their cause", () => {
    const cause = new Error("EADDRINUSE");
    const e = new PortTaken("port 8088 is in use: pick another with --http-port", { cause });
    expect(e).toBeInstanceOf(Error);
    expect(String(e)).toBe("PortTaken: port 8088 is in use: pick another with --http-port");
    expect(e).toMatchObject({ code: "PORT_TAKEN", retriable: false, cause });
    expect(isKnownError(e)).toBe(true);
    expect(isKnownError(Object.assign(new Error("x"), { code: "X", retriable: true }))).toBe(false);
  });
});
