import { describe, expect, it } from "vitest";
import { jsonBytes } from "@meetuphype/control-plane";
import { assembleStatus, type RawStatus } from "../src/cluster-status.js";

const now = 1_000_000;
const raw = (over: Partial<RawStatus> = {}): RawStatus => ({
  members: [
    { key: "dedup.d1", value: jsonBytes({}), at: now - 500 },
    { key: "counter.c1", value: jsonBytes({}), at: now - 500 },
    { key: "counter.c2", value: jsonBytes({}), at: now - 500 },
    { key: "leaving.counter.c2", value: jsonBytes({}), at: now - 100 },
    { key: "aggregator.a1", value: jsonBytes({ lastRankingAt: now - 300, asOfMs: 42, catchingUp: false, stale: false }), at: now - 300 },
  ],
  shards: [
    { key: "dedup.0", value: jsonBytes({ owner: "d1", epoch: 3 }), at: now },
    { key: "dedup.1", value: jsonBytes({ owner: "d1", epoch: 1 }), at: now },
    { key: "counter.0", value: jsonBytes({ owner: "c1", epoch: 2 }), at: now },
    { key: "counter.1", value: jsonBytes({ owner: "c2", epoch: 5 }), at: now },
    { key: "counter.2", value: jsonBytes({ owner: "c1", epoch: 1 }), at: now },
  ],
  progress: [
    { key: "dedup.0", value: jsonBytes({ clock: 10, pending: 0 }), at: now - 400 },
    { key: "dedup.1", value: jsonBytes({ clock: 11, pending: 2 }), at: now - 400 },
    { key: "counter.0", value: jsonBytes({ clock: 12, pending: 0 }), at: now - 400 },
    { key: "counter.1", value: jsonBytes({ clock: 13, pending: 0 }), at: now - 400 },
    { key: "counter.2", value: jsonBytes({ clock: 14, pending: 1 }), at: now - 400 },
  ],
  clock: [{ key: "ingest.i1", value: jsonBytes(99), at: now }],
  snapshots: [{ name: "counter-1", at: now - 5000 }],
  ...over,
});

describe("cluster status", () => {
  it("lists replicas with the shards they own, owners, pending, ages; no problems when all is well", () => {
    const s = assembleStatus("mh", raw(), { dedup: 2, counter: 3 }, now);
    expect(s.replicas).toEqual([
      { kind: "counter", id: "c1", leaving: false, shardsOwned: 2 },
      { kind: "counter", id: "c2", leaving: true, shardsOwned: 1 },
      { kind: "dedup", id: "d1", leaving: false, shardsOwned: 2 },
    ]);
    expect(s.shards.find((x) => x.kind === "counter" && x.shard === 1)).toEqual({
      kind: "counter",
      shard: 1,
      owner: "c2",
      epoch: 5,
      pending: 0,
      clockMs: 13,
      reportAgeMs: 400,
      snapshotAgeMs: 5000,
    });
    expect(s.aggregators).toEqual([{ id: "a1", lastRankingAt: now - 300, asOfMs: 42, catchingUp: false, stale: false }]);
    expect(s.ingestClocks).toEqual({ i1: 99 });
    expect(s.problems).toEqual([]);
  });

  it("names shards without an owner, shards behind or silent, and missing replicas", () => {
    const r = raw();
    const s = assembleStatus(
      "mh",
      {
        ...r,
        members: r.members.filter((m) => !m.key.startsWith("aggregator.") && !m.key.startsWith("dedup.")),
        shards: [
          ...r.shards.filter((e) => e.key !== "counter.2"),
          { key: "counter.2", value: jsonBytes({ owner: null, epoch: 1 }), at: now },
        ],
        progress: [
          ...r.progress.filter((e) => e.key !== "dedup.1" && e.key !== "counter.0"),
          { key: "dedup.1", value: jsonBytes({ clock: 11, pending: 5000 }), at: now - 100 },
          { key: "counter.0", value: jsonBytes({ clock: 12, pending: 0 }), at: now - 10_000 },
        ],
      },
      { dedup: 2, counter: 4 },
      now,
    );
    expect(s.problems).toEqual([
      "dedup shards behind or silent: 1",
      "counter shards without an owner: 2,3",
      "counter shards behind or silent: 0",
      "no live dedup replica",
      "no live aggregator",
    ]);
  });
});
