import { describe, expect, it } from "vitest";
import { lineLogger } from "@meetuphype/log";
import { retry, RetryAbortedError } from "../src/index.js";

const quiet = () => {
  const lines: string[] = [];
  return { lines, logger: lineLogger("info", (l) => lines.push(l)) };
};

describe("retry", () => {
  it("retries a failing operation until it succeeds, and says so", async () => {
    const { lines, logger } = quiet();
    let calls = 0;
    const out = await retry(
      () => {
        calls++;
        return calls < 4 ? Promise.reject(new Error("TIMEOUT")) : Promise.resolve("ok");
      },
      { what: "publish to x", logger, minMs: 1, maxMs: 2 },
    );
    expect(out).toBe("ok");
    expect(calls).toBe(4);
    expect(lines[0]).toMatch(/warn publish to x failed; retrying/);
    expect(lines.at(-1)).toMatch(/publish to x succeeded after 3 failed attempts/);
  });

  it("retries a TypeError too (a transport's)", async () => {
    let calls = 0;
    await retry(() => (++calls < 2 ? Promise.reject(new TypeError("socket")) : Promise.resolve()), {
      what: "t",
      logger: quiet().logger,
      minMs: 1,
    });
    expect(calls).toBe(2);
  });

  it("throws a final error at once", async () => {
    let calls = 0;
    const final = new Error("MESSAGE_TOO_LARGE");
    await expect(
      retry(
        () => {
          calls++;
          return Promise.reject(final);
        },
        { what: "send", logger: quiet().logger, isFinal: (e) => e === final, minMs: 1 },
      ),
    ).rejects.toBe(final);
    expect(calls).toBe(1);
  });

  it("stops with RetryAbortedError when its signal aborts", async () => {
    const ac = new AbortController();
    let calls = 0;
    const p = retry(
      () => {
        if (++calls === 3) ac.abort();
        return Promise.reject(new Error("down"));
      },
      { what: "publish", logger: quiet().logger, signal: ac.signal, minMs: 1, maxMs: 2 },
    );
    await expect(p).rejects.toBeInstanceOf(RetryAbortedError);
    expect(calls).toBe(3);
  });

  it("runs `between` after every failure (a Kafka heartbeat)", async () => {
    let beats = 0;
    let calls = 0;
    await retry(() => (++calls < 3 ? Promise.reject(new Error("x")) : Promise.resolve()), {
      what: "t",
      logger: quiet().logger,
      minMs: 1,
      between: () => beats++,
    });
    expect(beats).toBe(2);
  });
});
