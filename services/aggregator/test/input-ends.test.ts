import { describe, expect, it, vi } from "vitest";
import { CATCH_UP_MS, ENDS_UNKNOWN_MS, flagsOf, keptReads, READ_GAP_MS, type EndsAt } from "../src/input-ends.js";

const read = (at: number, ...ends: number[]): EndsAt => ({ at, ends: new Map(ends.map((e, p) => [p, e])) });
const cut = (...next: number[]) => next.map((n, partition) => ({ partition, next: n }));

describe("flagsOf", () => {
  it("counts the records beyond the cut in the latest read", () => {
    expect(flagsOf(cut(5, 5), [read(0, 10, 10), read(1000, 12, 10)], 1500, 0)).toEqual({ catchingUp: false, recordsBehind: 12 });
  });

  it("is catching up only when the cut is behind ends read CATCH_UP_MS ago or earlier", () => {
    const reads = [read(0, 10), read(1000, 20)];
    expect(flagsOf(cut(10), reads, CATCH_UP_MS + 500, 0).catchingUp).toBe(false); // only the records of the last 2 s wait
    expect(flagsOf(cut(9), reads, CATCH_UP_MS + 500, 0).catchingUp).toBe(true);
    expect(flagsOf(cut(9), reads, CATCH_UP_MS - 1, 0).catchingUp).toBe(false); // nothing read long enough ago
  });

  it("says nothing before the first read, until reading has failed for ENDS_UNKNOWN_MS", () => {
    expect(flagsOf(cut(0), [], 5000 + ENDS_UNKNOWN_MS, 5000)).toEqual({ catchingUp: false, recordsBehind: 0 });
    expect(flagsOf(cut(0), [], 5001 + ENDS_UNKNOWN_MS, 5000)).toEqual({ catchingUp: true, recordsBehind: 0 });
  });

  it("is catching up once the ends are unknown for ENDS_UNKNOWN_MS, even with the cut at the last ends read", () => {
    // Reads stop at 1 s (the KRaft controller away); records that came after no read saw.
    const reads = [read(0, 10), read(1000, 12)];
    expect(flagsOf(cut(12), reads, 1000 + ENDS_UNKNOWN_MS, 0)).toEqual({ catchingUp: false, recordsBehind: 0 });
    expect(flagsOf(cut(12), reads, 1001 + ENDS_UNKNOWN_MS, 0)).toEqual({ catchingUp: true, recordsBehind: 0 });
    expect(flagsOf(cut(10), reads, 20_000, 0)).toEqual({ catchingUp: true, recordsBehind: 2 });
  });
});

describe("keptReads", () => {
  it("drops reads older than the window while reads keep coming", () => {
    const reads = [0, 1000, 2000, 3000, 4000, 5000, 6000].map((t) => read(t, t));
    expect(keptReads(reads, 6000).map((r) => r.at)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
  });

  it("keeps the last read from before a gap, so a cut left behind by it is flagged as soon as reads come back", () => {
    // Reads at 0 and 1 s, then none for 20 s (a broker away), then one at 21 s.
    const reads = keptReads([read(0, 100), read(1000, 150), read(21_000, 400)], 21_000);
    expect(reads.map((r) => r.at)).toEqual([1000, 21_000]);
    expect(flagsOf(cut(120), reads, 21_000, 0)).toEqual({ catchingUp: true, recordsBehind: 280 });
    // Without the read from before the gap, nothing would be old enough to say so.
    expect(flagsOf(cut(120), [read(21_000, 400)], 21_000, 0).catchingUp).toBe(false);
  });

  it("counts what the first read after a gap finds as waiting since the gap began, for CATCH_UP_MS", () => {
    // The cut passed the last ends read before the gap, not what came during it (seen at 21 s).
    const reads = keptReads([read(0, 100), read(1000, 150), read(21_000, 400)], 21_000);
    expect(flagsOf(cut(200), reads, 21_000, 0)).toEqual({ catchingUp: true, recordsBehind: 200 });
    expect(flagsOf(cut(400), reads, 21_000, 0)).toEqual({ catchingUp: false, recordsBehind: 0 });
    // Once the reads after the gap are old enough, they judge as before.
    const later = keptReads([...reads, read(22_000, 420), read(23_000, 440)], 23_000);
    expect(flagsOf(cut(400), later, 23_000, 0).catchingUp).toBe(false);
    expect(flagsOf(cut(399), later, 23_000, 0).catchingUp).toBe(true);
    // Reads a little late (a slow read, not a failed one) are no gap: only ends 2 s old count.
    const slow = [read(0, 100), read(READ_GAP_MS, 150)];
    expect(flagsOf(cut(100), slow, READ_GAP_MS, 0).catchingUp).toBe(false);
    expect(flagsOf(cut(100), [read(0, 100), read(READ_GAP_MS + 1, 150)], READ_GAP_MS + 1, 0).catchingUp).toBe(true);
  });
});

describe("InputEnds", () => {
  it("connects anew after a failed read, so that a moved leader is found", async () => {
    const { InputEnds } = await import("../src/input-ends.js");
    const calls: string[] = [];
    let fail = true;
    const admin = {
      connect: () => (calls.push("connect"), Promise.resolve()),
      disconnect: () => (calls.push("disconnect"), Promise.resolve()),
      fetchTopicOffsets: () => {
        calls.push("fetch");
        return fail
          ? Promise.reject(new Error("This server is not the leader for that topic-partition"))
          : Promise.resolve([{ partition: 0, high: "7", low: "0", offset: "7" }]);
      },
    };
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => logger } as never;
    let now = 0;
    const ends = new InputEnds(admin as never, "t", logger, () => now);
    await vi.waitFor(() => expect(calls).toEqual(["connect", "fetch", "disconnect"]));
    fail = false;
    now = 5000;
    // The next read, a second later, connects again.
    await vi.waitFor(() => expect(calls).toEqual(["connect", "fetch", "disconnect", "connect", "fetch"]), { timeout: 3000 });
    expect(ends.flags([{ partition: 0, next: 0 }]).recordsBehind).toBe(7);
    await ends.close();
  });
});
