import { describe, expect, it } from "vitest";
import { clockOf } from "@meetuphype/core";
import { AggregatorLogic, type ShardTopK } from "../src/index.js";

const mark = (partition: number, next: number, clock = next * 10) => ({ partition, next, clock });
const answer = (shard: number, seq: number, over: Partial<ShardTopK> = {}): ShardTopK => ({
  shard,
  seq,
  now: 0,
  topics: [],
  coverage: [],
  ranked: false,
  ...over,
});

describe("AggregatorLogic", () => {
  it("ranks the meet of the shards' coverage, then merges their answers into a ranking of that cut", () => {
    const a = new AggregatorLogic(2, 3, clockOf);
    expect(a.probe(1)).toMatchObject({ seq: 1, probe: true });
    expect(a.accept(answer(0, 1, { coverage: [mark(0, 5), mark(1, 9)] }))).toBeUndefined();
    const step = a.accept(answer(1, 1, { coverage: [mark(0, 7), mark(1, 4)] }));
    expect(step).toEqual({ kind: "rank", request: { kind: "rank", seq: 1, now: 50, k: 3, cut: [mark(0, 5), mark(1, 4)], probe: false } });
    a.accept(answer(0, 1, { ranked: true, now: 50, topics: [{ key: "a", name: "A", score: 2 }] }));
    const done = a.accept(answer(1, 1, { ranked: true, now: 50, topics: [{ key: "b", name: "B", score: 3 }] }));
    expect(done).toEqual({
      kind: "ranking",
      snapshot: {
        asOfMs: 50,
        topics: [
          { rank: 1, key: "b", name: "B", score: 3 },
          { rank: 2, key: "a", name: "A", score: 2 },
        ],
        cut: [mark(0, 5), mark(1, 4)],
      },
    });
  });

  it("yields nothing for a round a shard cannot rank, and never asks a cut behind one asked before (a restart's too)", () => {
    const a = new AggregatorLogic(1, 3, clockOf, [mark(0, 8)]);
    a.probe(1);
    const step = a.accept(answer(0, 1, { coverage: [mark(0, 6)] }));
    expect(step?.kind === "rank" && step.request.cut).toEqual([mark(0, 8)]);
    expect(a.accept(answer(0, 1, { ranked: false, coverage: [mark(0, 6)] }))).toBeUndefined();
    expect(a.cut).toEqual([mark(0, 8)]);
  });

  it("says why rounds rank nothing, until one ranks again", () => {
    const a = new AggregatorLogic(3, 3, clockOf);
    a.probe(1);
    a.accept(answer(0, 1, { coverage: [mark(0, 8)] }));
    a.accept(answer(1, 1, { coverage: [mark(0, 8)] }));
    a.accept(answer(2, 1, { coverage: [mark(0, 8)] }));
    expect(a.stuck).toBeUndefined();
    a.accept(answer(0, 1, { ranked: true, coverage: [mark(0, 8)] }));
    a.accept(answer(1, 1, { ranked: false, coverage: [mark(0, 9)] }));
    a.accept(answer(2, 1, { ranked: false, coverage: [mark(0, 6)] }));
    expect(a.stuck).toEqual({
      reason: "counter shards 2 are missing deltas of the cut asked; counter shards 1 have counted past the cut asked",
      detail: "round 1, cut 0:8; shard 2 covers 0:6",
    });
    // A round whose rank request shards 1 and 2 never answer is dropped once 16 newer rounds began.
    a.probe(2);
    for (const s of [0, 1, 2]) a.accept(answer(s, 2, { coverage: [mark(0, 9)] }));
    a.accept(answer(0, 2, { ranked: true, coverage: [mark(0, 9)] }));
    for (let seq = 3; seq <= 18; seq++) a.probe(seq);
    expect(a.stuck).toEqual({
      reason: "no answer to a rank request from counter shards 1,2 within 16 rounds",
      detail: "round 2, cut 0:9",
    });
    for (const s of [0, 1, 2]) a.accept(answer(s, 18, { coverage: [mark(0, 9)] }));
    for (const s of [0, 1, 2]) a.accept(answer(s, 18, { ranked: true, coverage: [mark(0, 9)] }));
    expect(a.stuck).toBeUndefined();
  });
});
