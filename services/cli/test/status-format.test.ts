import { describe, expect, it } from "vitest";
import { jsonBytes } from "@meetuphype/control-plane";
import { assembleStatus } from "../src/cluster-status.js";
import { formatStatus } from "../src/status-format.js";

describe("status as text", () => {
  it("shows each replica's shards as ranges, the shard table, ingest lag and problems", () => {
    const shards = [0, 1, 2, 3, 5].map((i) => ({ key: `counter.${i}`, value: jsonBytes({ owner: "c1", epoch: 1 }), at: 0 }));
    const s = assembleStatus(
      "mh",
      {
        members: [{ key: "counter.c1", value: jsonBytes({ health: "10.0.0.5:8080" }), at: 0 }],
        shards: [...shards, { key: "counter.4", value: jsonBytes({ owner: null, epoch: 1 }), at: 0 }],
        progress: [],
        clock: [],
        snapshots: [],
      },
      { dedup: 0, counter: 6 },
      10_000,
    );
    const text = formatStatus(s, {
      topic: "meetup",
      groupId: "mh.ingest",
      members: 1,
      partitions: [{ partition: 0, end: 10, committed: 7, lag: 3 }],
    });
    expect(text).toMatch(/^c1 +counter +5 +0-3,5 +http:\/\/10\.0\.0\.5:8080\/metrics$/m);
    expect(text).toMatch(/^counter\.4 +\(none\) +1 +- +- +-$/m);
    expect(text).toMatch(/^0 +10 +7 +3$/m);
    expect(text).toContain("  - counter shards without an owner: 4");
    expect(text).toContain("aggregator: none live");
  });
});

describe("ingest lag per partition", () => {
  it("regression: a commit that lands after the end offsets were read never shows a negative lag", async () => {
    const { lagByPartition } = await import("../src/commands/status.js");
    const ends = [
      { partition: 1, high: "272", low: "0" },
      { partition: 0, high: "10", low: "4" },
      { partition: 2, high: "5", low: "0" },
    ];
    const committed = [
      { partition: 1, offset: "276" },
      { partition: 2, offset: "3" },
    ];
    expect(lagByPartition(ends, committed)).toEqual([
      { partition: 0, end: 10, committed: -1, lag: 6 },
      { partition: 1, end: 272, committed: 276, lag: 0 },
      { partition: 2, end: 5, committed: 3, lag: 2 },
    ]);
  });
});
