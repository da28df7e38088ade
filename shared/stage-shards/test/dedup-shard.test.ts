import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, DeltaColumns } from "@meetuphype/core";
import { silentLogger } from "@meetuphype/log";
import type { DedupBatch } from "@meetuphype/pipeline";
import { dedupShard, MAX_DELTAS, pack, segmentsOf } from "../src/dedup-shard.js";

const deltas = (n: number, from = 0): DeltaColumns => {
  const c = new DeltaColumns();
  for (let i = 0; i < n; i++) c.add("js", "JS", 1, 3_600_000, 0, from + i);
  return c;
};

describe("dedup's output for one counter shard", () => {
  it("splits one input message's deltas into numbered parts of MAX_DELTAS at most, in order; none gives one empty part", () => {
    const parts = segmentsOf(7, deltas(2 * MAX_DELTAS + 3));
    expect(parts.map((p) => [p.seq, p.part, p.deltas.length])).toEqual([
      [7, 0, MAX_DELTAS],
      [7, 1, MAX_DELTAS],
      [7, 2, 3],
    ]);
    expect(parts.flatMap((p) => p.deltas.toArray().map((d) => d.offset))).toEqual(deltas(2 * MAX_DELTAS + 3).offsets);
    expect(segmentsOf(8, new DeltaColumns()).map((g) => [g.seq, g.part, g.deltas.length])).toEqual([[8, 0, 0]]);
  });

  it("packs segments into messages of MAX_DELTAS at most, never splitting one, in order", () => {
    const segments = [
      ...segmentsOf(1, deltas(3000)),
      ...segmentsOf(2, deltas(2500)),
      ...segmentsOf(3, deltas(10)),
      ...segmentsOf(4, deltas(MAX_DELTAS)),
    ];
    const messages = pack(segments);
    expect(messages.map((m) => m.map((g) => g.seq))).toEqual([[1], [2, 3], [4]]);
    expect(messages.every((m) => m.reduce((n, g) => n + g.deltas.length, 0) <= MAX_DELTAS)).toBe(true);
    expect(messages.flat()).toEqual(segments);
    expect(pack([])).toEqual([]);
  });
});

describe("a dedup shard's settled coverage", () => {
  it("moves, and is announced, only once every output of the group is acknowledged", async () => {
    const acks: (() => void)[] = [];
    let announced = 0;
    const { logic, state } = dedupShard<DedupBatch>({
      shard: 0,
      snapshot: undefined,
      lease: { epoch: 1, valid: () => true },
      params: DEFAULT_PARAMS,
      counterShards: 2,
      expiry: () => 0,
      ports: {
        read: (b) => b,
        send: (target) => new Promise((resolve) => acks.push(() => resolve(acks.length + 10 * target))),
        count: () => undefined,
        logger: silentLogger,
      },
      onSettled: () => announced++,
    });
    const rsvp = (id: number, key: string) => ({
      rsvpId: id,
      mtime: 3_600_000,
      positive: true,
      guests: 0,
      topics: [{ key, name: key }],
    });
    const records = ["a", "b", "c", "d", "e", "f"].map((k, i) => rsvp(i + 1, k));
    const batch: DedupBatch = {
      partition: 0,
      records,
      offsets: records.map((_, i) => i),
      through: { partition: 0, next: 6, clock: 3_600_000 },
    };
    const handled = logic.onStream([{ seq: 1, data: batch, pending: 0 }], new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    expect(acks.length).toBeGreaterThan(0);
    acks.slice(0, -1).forEach((ack) => ack());
    await new Promise((r) => setImmediate(r));
    // One output still unacknowledged: nothing settled, nothing announced.
    expect(state.settled().coverage).toEqual([]);
    expect(announced).toBe(0);
    acks[acks.length - 1]!();
    await handled;
    expect(state.settled().coverage).toEqual([{ partition: 0, next: 6, clock: 3_600_000 }]);
    expect(announced).toBe(1);
  });
});
