import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, DeltaColumns } from "@meetuphype/core";
import { deltaAt } from "@meetuphype/testkit";
import { CounterLogic } from "../src/index.js";

const T = 1_700_000_000_000;
const mark = (next: number) => ({ partition: 0, next, clock: T });
const delta = (offset: number, key = "js") => deltaAt(T, offset, key);
const rank = (seq: number, next: number) => ({ kind: "rank" as const, seq, now: T, k: 5, cut: [mark(next)], probe: false });

describe("CounterLogic", () => {
  it("holds deltas until a ranked cut includes them, and ranks no cut it cannot be exact for", () => {
    const c = new CounterLogic(0, DEFAULT_PARAMS, 1);
    c.accept({ kind: "deltas", source: 0, deltas: DeltaColumns.of([delta(0), delta(1), delta(5)]), coverage: [mark(6)] });
    expect(c.rank(rank(1, 2)).topics).toEqual([{ key: "js", name: "js", score: 2 }]);
    expect(c.pendingDeltas).toBe(1);
    expect(c.rank(rank(2, 7)).ranked).toBe(false); // beyond its coverage
    expect(c.rank(rank(3, 6)).topics[0]?.score).toBe(3);
    expect(c.rank(rank(4, 4)).ranked).toBe(false); // before what it applied
  });

  it("applies what its own coverage includes when it holds too many deltas (no rankings for a while)", () => {
    const c = new CounterLogic(0, DEFAULT_PARAMS, 1, undefined, 3);
    c.accept({ kind: "deltas", source: 0, deltas: DeltaColumns.of([delta(0), delta(1)]), coverage: [mark(2)] });
    expect(c.pendingDeltas).toBe(2);
    c.accept({ kind: "deltas", source: 0, deltas: DeltaColumns.of([delta(2), delta(3)]), coverage: [mark(3)] });
    // Four held, over three: those before its coverage (3) are applied, the one at offset 3 stays.
    expect(c.pendingDeltas).toBe(1);
    expect(c.rank(rank(1, 2)).ranked).toBe(false);
    c.accept({ kind: "deltas", source: 0, deltas: new DeltaColumns(), coverage: [mark(4)] });
    expect(c.rank(rank(2, 4)).topics[0]?.score).toBe(4);
  });
});
