/** The in-process runner of embedded mode: the runtime's running shards, fed objects in order, never losing one. */
import { setImmediate } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { silentLogger } from "@meetuphype/log";
import type { ShardLogic } from "@meetuphype/shard-runtime";
import { LocalShards } from "../src/index.js";

/** A logic that records what it is given, slowly (a turn of the event loop per group), and fails on "bad". */
function recording(seen: { seq: number; data: string }[], extras: string[]): ShardLogic<string, string> {
  return {
    async onStream(group) {
      await setImmediate();
      for (const m of group) {
        if (m.data === "bad") throw new Error("cannot take this one");
        seen.push({ seq: m.seq, data: m.data });
      }
    },
    onExtra: (msg, at) => Promise.resolve(void extras.push(`${msg}@${at.lastSeq}`)),
    snapshot: () => [],
  };
}

describe("LocalShards", () => {
  it("takes the messages of many senders in the order of their sequences, past a full inbox, and is idle only once all are handled", async () => {
    const seen: { seq: number; data: string }[] = [];
    const shards = new LocalShards({
      name: "t",
      shards: 1,
      logger: silentLogger,
      onFailure: () => undefined,
      create: () => recording(seen, []),
    });
    // Three senders at once, far more than an inbox holds: later sends wait behind earlier ones.
    const sends = [0, 1, 2].flatMap((sender) => Array.from({ length: 400 }, (_, i) => shards.send(0, `${sender}:${i}`)));
    const seqs = await Promise.all(sends);
    await shards.idle();
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(new Set(seqs).size).toBe(1200);
    expect(seen.map((m) => m.data).sort()).toEqual(sends.map((_, i) => `${Math.floor(i / 400)}:${i % 400}`).sort());
    await shards.stop();
  });

  it("regression: a message sent while an earlier one waits for room goes after it (a shard skips a sequence below its last)", async () => {
    const seen: { seq: number; data: string }[] = [];
    const inner = recording(seen, []);
    let sentLate = false;
    const shards: LocalShards<string, string> = new LocalShards({
      name: "t",
      shards: 1,
      logger: silentLogger,
      onFailure: () => undefined,
      create: () => ({
        ...inner,
        onStream(group, signal) {
          // Right after the shard took a group from its full inbox, before the sender waiting for room resumes.
          if (!sentLate) {
            sentLate = true;
            void shards.send(0, "late");
          }
          return inner.onStream(group, signal);
        },
      }),
    });
    const sends = Array.from({ length: 300 }, (_, i) => shards.send(0, String(i)));
    await Promise.all(sends);
    await shards.idle();
    expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    expect(seen.at(-1)?.data).toBe("late");
    await shards.stop();
  });

  it("reports a message its logic fails on and goes on with the next; extras come in order with the stream", async () => {
    const seen: { seq: number; data: string }[] = [];
    const extras: string[] = [];
    const failures: unknown[] = [];
    const shards = new LocalShards({
      name: "t",
      shards: 2,
      logger: silentLogger,
      onFailure: (err) => void failures.push(err),
      create: () => recording(seen, extras),
    });
    await shards.send(1, "bad");
    await shards.idle();
    await shards.send(1, "good");
    await shards.idle();
    await shards.extra(1, "probe");
    await shards.idle();
    expect(failures).toHaveLength(1);
    expect(seen).toEqual([{ seq: 2, data: "good" }]);
    expect(extras).toEqual(["probe@2"]);
    await shards.stop();
  });
});
