import { describe, expect, it } from "vitest";
import { SourcePositions } from "../src/positions.js";

describe("SourcePositions", () => {
  it("admits positions in order and skips replays, per dedup shard", () => {
    const p = new SourcePositions();
    expect(p.admit({ shard: 1, seq: 10, part: 0 })).toBe(true);
    expect(p.admit({ shard: 1, seq: 10, part: 1 })).toBe(true);
    expect(p.admit({ shard: 2, seq: 3, part: 0 })).toBe(true);
    expect(p.admit({ shard: 1, seq: 10, part: 1 })).toBe(false);
    expect(p.admit({ shard: 1, seq: 9, part: 5 })).toBe(false);
    expect(p.admit({ shard: 1, seq: 12, part: 0 })).toBe(true);
    expect(p.list()).toEqual([
      { shard: 1, seq: 12, part: 0 },
      { shard: 2, seq: 3, part: 0 },
    ]);
  });

  it("resumes from a snapshot's positions", () => {
    const p = new SourcePositions([{ shard: 4, seq: 100, part: 0 }]);
    expect(p.admit({ shard: 4, seq: 100, part: 0 })).toBe(false);
    expect(p.admit({ shard: 4, seq: 101, part: 0 })).toBe(true);
  });
});
