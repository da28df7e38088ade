/** The decisions of a shard replica's life (replica-life.ts), without brokers. */
import { describe, expect, it } from "vitest";
import { createLogger } from "@meetuphype/log";
import { createMetrics } from "@meetuphype/metrics";
import { leaveWithin, OwnedSet, shardReadiness, updateShardGauges, type AssignmentView } from "../src/replica-life.js";

const view = (o: { ready: boolean; owned: number[]; desired: number[]; leave?: () => Promise<void> }): AssignmentView => ({
  ready: o.ready,
  ownedShards: () => o.owned,
  desiredShards: () => o.desired,
  leave: o.leave ?? (() => Promise.resolve()),
});

describe("a shard replica's readiness", () => {
  it("is not ready while NATS is awaited, and says so", () => {
    expect(shardReadiness("r1", "waiting for NATS at nats://h:4222", undefined)).toEqual({
      ready: false,
      reason: "waiting for NATS at nats://h:4222",
      detail: { replica: "r1" },
    });
    expect(shardReadiness("r1", undefined, undefined).reason).toMatch(/setting up/);
  });

  it("names the shards it owns and should own until the assignment converged", () => {
    const r = shardReadiness("r1", undefined, view({ ready: false, owned: [1], desired: [1, 4] }));
    expect(r).toEqual({
      ready: false,
      reason: "assignment not converged: owns [1], should own [1,4]",
      detail: { replica: "r1", shards: [1] },
    });
  });

  it("an unhealthy NATS comes first, even when converged; ready once both hold", () => {
    expect(shardReadiness("r1", "NATS connection closed", view({ ready: true, owned: [2], desired: [2] })).reason).toBe(
      "NATS connection closed",
    );
    expect(shardReadiness("r1", undefined, view({ ready: true, owned: [2], desired: [2] }))).toEqual({
      ready: true,
      reason: undefined,
      detail: { replica: "r1", shards: [2] },
    });
  });
});

describe("the owned set's log line", () => {
  it("is given once per change, with 'none' for no shards", () => {
    const set = new OwnedSet();
    expect(set.changed([])).toBe("none");
    expect(set.changed([])).toBeUndefined();
    expect(set.changed([1, 3])).toBe("1,3");
    expect(set.changed([1, 3])).toBeUndefined();
    expect(set.changed([])).toBe("none");
  });
});

describe("per-shard gauges", () => {
  it("carry values for the owned shards only; a shard handed away loses its series", async () => {
    const m = createMetrics("counter");
    m.shardPending.set({ kind: "counter", shard: "0" }, 5);
    updateShardGauges(m, "counter", 3, [0, 2], (s) => (s === 1 ? undefined : 10_000), 13_000);
    let text = await m.text();
    expect(text).toMatch(/meetuphype_shards_owned\{[^}]*kind="counter"[^}]*\} 2/);
    expect(text).toMatch(/meetuphype_snapshot_age_seconds\{[^}]*shard="2"[^}]*\} 3/);
    expect(text).toMatch(/meetuphype_shard_pending_messages\{[^}]*shard="0"[^}]*\} 5/);
    updateShardGauges(m, "counter", 3, [2], () => 10_000, 14_000);
    text = await m.text();
    expect(text).not.toMatch(/shard="0"/);
    expect(text).toMatch(/meetuphype_shards_owned\{[^}]*\} 1/);
  });
});

describe("leaving on SIGTERM", () => {
  /** A JSON logger whose entries the test reads back. */
  const logs = (): { entries: Record<string, unknown>[]; log: ReturnType<typeof createLogger> } => {
    const entries: Record<string, unknown>[] = [];
    return { entries, log: createLogger("info", "json", (line) => entries.push(JSON.parse(line) as Record<string, unknown>)) };
  };

  it("is done when every shard is handed over in time; nothing is abandoned", async () => {
    const { entries, log } = logs();
    let abandoned = false;
    expect(await leaveWithin(view({ ready: true, owned: [], desired: [] }), () => (abandoned = true), 1000, log)).toBe("done");
    expect(abandoned).toBe(false);
    expect(entries).toEqual([]);
  });

  it("past the deadline abandons every shard and says which it still owned", async () => {
    const { entries, log } = logs();
    let abandoned = false;
    const stuck = view({ ready: false, owned: [3, 5], desired: [], leave: () => new Promise(() => undefined) });
    expect(await leaveWithin(stuck, () => (abandoned = true), 30, log)).toBe("late");
    expect(abandoned).toBe(true);
    expect(entries.map((e) => [e.level, e.msg, e.owned])).toEqual([
      ["error", "hand-over did not finish before the stop deadline; exiting without it", [3, 5]],
    ]);
  });
});
