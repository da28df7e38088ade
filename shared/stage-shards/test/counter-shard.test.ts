/**
 * A counter shard's stage code, without a transport: stream groups, coverage notices and rank
 * requests in, answers out (its ports record what it answers).
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "@meetuphype/log";
import type { DeltaMessage } from "@meetuphype/control-plane";
import { DEFAULT_PARAMS, DeltaColumns } from "@meetuphype/core";
import type { ShardTopK } from "@meetuphype/pipeline";
import { deltaAt } from "@meetuphype/testkit";
import { counterShard } from "../src/counter-shard.js";

const T = 1_700_000_000_000;

const mark = (next: number) => ({ partition: 0, next, clock: T });

/** A shard under a lease of epoch 1 (valid while `valid()` says so), reading its messages as objects. */
function shard(valid = () => true, dedupShards = 1) {
  const sent: ShardTopK[] = [];
  const { logic } = counterShard<readonly DeltaMessage[]>({
    shard: 0,
    snapshot: undefined,
    lease: { epoch: 1, valid },
    params: DEFAULT_PARAMS,
    dedupShards,
    ports: { read: (m) => m, answer: (top) => void sent.push(top), count: () => undefined, logger: silentLogger },
  });
  return { logic, answers: () => sent };
}

const delta = (offset: number) => deltaAt(T, offset);

describe("counter shard", () => {
  it("regression: a notice of a new epoch does not fence the old epoch's messages still in the stream", async () => {
    const { logic, answers } = shard();
    const at = { caughtUp: true, lastSeq: 0 };
    // The dedup shard's new owner (epoch 2) announces coverage 2, naming our stream message 1 as the last it sent.
    await logic.onExtra({ kind: "notices", notices: [{ shard: 0, epoch: 2, coverage: [mark(2)], sent: [1] }] }, at);
    // The old owner's message (epoch 1), already in the stream, arrives after the notice: it still counts.
    const old = [
      { shard: 0, epoch: 1, segments: [{ seq: 7, part: 0, deltas: DeltaColumns.of([delta(0), delta(1)]) }], coverage: [mark(2)] },
    ];
    await logic.onStream([{ seq: 1, data: old, pending: 0 }], new AbortController().signal);
    await logic.onExtra({ kind: "rank", seq: 1, now: T, k: 5, cut: [mark(2)], probe: false }, { caughtUp: true, lastSeq: 1 });
    expect(answers().map((a) => [a.ranked, a.topics.map((t) => [t.key, t.score])])).toEqual([[true, [["js", 2]]]]);
  });

  it("takes a notice only once it has handled the message the notice names, and ranks no cut beyond its coverage", async () => {
    const { logic, answers } = shard();
    await logic.onExtra(
      { kind: "notices", notices: [{ shard: 0, epoch: 1, coverage: [mark(5)], sent: [3] }] },
      { caughtUp: true, lastSeq: 0 },
    );
    await logic.onExtra({ kind: "rank", seq: 1, now: 0, k: 5, cut: [], probe: true }, { caughtUp: true, lastSeq: 0 });
    await logic.onExtra({ kind: "rank", seq: 2, now: T, k: 5, cut: [mark(5)], probe: false }, { caughtUp: true, lastSeq: 0 });
    const batch = [{ shard: 0, epoch: 1, segments: [{ seq: 9, part: 0, deltas: DeltaColumns.of([delta(4)]) }], coverage: [mark(3)] }];
    await logic.onStream([{ seq: 3, data: batch, pending: 0 }], new AbortController().signal);
    await logic.onExtra({ kind: "rank", seq: 3, now: 0, k: 5, cut: [], probe: true }, { caughtUp: true, lastSeq: 3 });
    await logic.onExtra({ kind: "rank", seq: 4, now: T, k: 5, cut: [mark(5)], probe: false }, { caughtUp: true, lastSeq: 3 });
    expect(answers().map((a) => [a.seq, a.ranked, a.coverage.map((c) => c.next), a.topics.length])).toEqual([
      [1, false, [], 0],
      [2, false, [], 0],
      [3, false, [5], 0],
      [4, true, [5], 1],
    ]);
  });

  it("answers no rank request once its lease lapsed", async () => {
    let valid = true;
    const { logic, answers } = shard(() => valid);
    await logic.onExtra({ kind: "rank", seq: 1, now: 0, k: 5, cut: [], probe: true }, { caughtUp: true, lastSeq: 0 });
    valid = false;
    await logic.onExtra({ kind: "rank", seq: 2, now: 0, k: 5, cut: [], probe: true }, { caughtUp: true, lastSeq: 0 });
    expect(answers().map((a) => [a.seq, a.epoch])).toEqual([[1, 1]]);
  });

  it("takes every notice of a run that comes as one message: its coverage is the meet of all the dedup shards'", async () => {
    const { logic, answers } = shard(undefined, 2);
    const at = { caughtUp: true, lastSeq: 0 };
    const probe = (seq: number) => logic.onExtra({ kind: "rank", seq, now: 0, k: 5, cut: [], probe: true }, at);
    await logic.onExtra({ kind: "notices", notices: [{ shard: 0, epoch: 1, coverage: [mark(6)], sent: [0] }] }, at);
    await probe(1);
    await logic.onExtra(
      {
        kind: "notices",
        notices: [
          { shard: 0, epoch: 1, coverage: [mark(8)], sent: [0] },
          { shard: 1, epoch: 1, coverage: [mark(4)], sent: [0] },
        ],
      },
      at,
    );
    await probe(2);
    expect(answers().map((a) => [a.seq, a.coverage.map((c) => c.next)])).toEqual([
      [1, []],
      [2, [4]],
    ]);
  });
});
