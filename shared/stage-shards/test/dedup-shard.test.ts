import { describe, expect, it } from "vitest";
import type { PositionedDelta } from "@meetuphype/pipeline";
import { MAX_DELTAS, pack, segmentsOf } from "../src/dedup-shard.js";

const deltas = (n: number, from = 0): PositionedDelta[] =>
  Array.from({ length: n }, (_, i) => ({
    key: "js",
    name: "JS",
    hour: 1,
    minute: 60,
    weight: 1,
    mtime: 3_600_000,
    partition: 0,
    offset: from + i,
  }));

describe("dedup's output for one counter shard", () => {
  it("splits one input message's deltas into numbered parts of MAX_DELTAS at most, in order; none gives one empty part", () => {
    const parts = segmentsOf(7, deltas(2 * MAX_DELTAS + 3));
    expect(parts.map((p) => [p.seq, p.part, p.deltas.length])).toEqual([
      [7, 0, MAX_DELTAS],
      [7, 1, MAX_DELTAS],
      [7, 2, 3],
    ]);
    expect(parts.flatMap((p) => p.deltas.map((d) => d.offset))).toEqual(deltas(2 * MAX_DELTAS + 3).map((d) => d.offset));
    expect(segmentsOf(8, [])).toEqual([{ seq: 8, part: 0, deltas: [] }]);
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
