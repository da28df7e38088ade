import { describe, expect, it } from "vitest";
import { SourcePositions } from "../src/positions.js";

const at = (shard: number, seq: number, part = 0, epoch = 1) => ({ shard, seq, part, epoch });

describe("SourcePositions", () => {
  it("admits positions in order and skips replays, per dedup shard", () => {
    const p = new SourcePositions();
    expect(p.admit(at(1, 10))).toBe(true);
    expect(p.admit(at(1, 10, 1))).toBe(true);
    expect(p.admit(at(2, 3))).toBe(true);
    expect(p.admit(at(1, 10, 1))).toBe(false);
    expect(p.admit(at(1, 9, 5))).toBe(false);
    expect(p.admit(at(1, 12))).toBe(true);
    expect(p.list()).toEqual([at(1, 12), at(2, 3)]);
  });

  it("resumes from a snapshot's positions", () => {
    const p = new SourcePositions([at(4, 100)]);
    expect(p.admit(at(4, 100))).toBe(false);
    expect(p.admit(at(4, 101))).toBe(true);
  });

  it("skips a replica that lost its lease once its successor was heard (fencing)", () => {
    const p = new SourcePositions();
    expect(p.admit(at(1, 10, 0, 1))).toBe(true);
    // The successor (epoch 2) replays from an older snapshot: skipped by position, but its epoch counts.
    expect(p.admit(at(1, 8, 0, 2))).toBe(false);
    // The old owner, still running, publishes its next message: fenced off.
    expect(p.admit(at(1, 11, 0, 1))).toBe(false);
    expect(p.admit(at(1, 11, 0, 2))).toBe(true);
    expect(p.list()).toEqual([at(1, 11, 0, 2)]);
  });
});
