/**
 * A counter shard's wiring, without NATS: stream groups, coverage notices and rank
 * requests in, answers out (a fake connection records what it publishes).
 */
import { describe, expect, it } from "vitest";
import type { NatsConnection } from "nats";
import { silentLogger } from "@meetuphype/log";
import { decodeShardTopK, encodeDeltaBatch, names } from "@meetuphype/control-plane";
import { FencedEffects, type ShardServiceEnv } from "@meetuphype/shard-runtime";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { createMetrics } from "@meetuphype/metrics";
import { counterShard } from "../src/shard.js";

const T = 1_700_000_000_000;

/** The runtime's fenced effects over a lease of epoch 1 (valid unless told otherwise). */
const fenced = (e: ShardServiceEnv, valid = () => true): FencedEffects =>
  new FencedEffects({ epoch: 1, valid }, undefined as never, e.nc, silentLogger);
const mark = (next: number) => ({ partition: 0, next, clock: T });

function env(): { env: ShardServiceEnv; answers: () => ReturnType<typeof decodeShardTopK>[] } {
  const sent: Uint8Array[] = [];
  const nc = { publish: (_s: string, data: Uint8Array) => void sent.push(data) } as unknown as NatsConnection;
  const e = {
    nc,
    js: undefined as never,
    publisher: undefined as never,
    names: names("t"),
    replica: "r",
    logger: silentLogger,
    metrics: createMetrics("counter"),
  };
  return { env: e, answers: () => sent.map(decodeShardTopK) };
}

const delta = (offset: number) => ({
  key: "js",
  name: "JS",
  hour: Math.floor(T / 3_600_000),
  minute: Math.floor(T / 60_000),
  weight: 1,
  mtime: T,
  partition: 0,
  offset,
});

describe("counter shard", () => {
  it("regression: a notice of a new epoch does not fence the old epoch's messages still in the stream", async () => {
    const { env: e, answers } = env();
    const { logic } = counterShard(0, undefined, e, fenced(e), DEFAULT_PARAMS, 1);
    const at = { caughtUp: true, lastSeq: 0 };
    // The dedup shard's new owner (epoch 2) announces coverage 2, naming our stream message 1 as the last it sent.
    await logic.onExtra({ kind: "notice", notice: { shard: 0, epoch: 2, coverage: [mark(2)], sent: [1] } }, at);
    // The old owner's message (epoch 1), already in the stream, arrives after the notice: it still counts.
    const old = encodeDeltaBatch({
      shard: 0,
      epoch: 1,
      segments: [{ seq: 7, part: 0, deltas: [delta(0), delta(1)] }],
      coverage: [mark(2)],
    });
    await logic.onStream([{ seq: 1, data: old, pending: 0 }], new AbortController().signal);
    await logic.onExtra({ kind: "rank", seq: 1, now: T, k: 5, cut: [mark(2)], probe: false }, { caughtUp: true, lastSeq: 1 });
    expect(answers().map((a) => [a.ranked, a.topics.map((t) => [t.key, t.score])])).toEqual([[true, [["js", 2]]]]);
  });

  it("takes a notice only once it has handled the message the notice names, and ranks no cut beyond its coverage", async () => {
    const { env: e, answers } = env();
    const { logic } = counterShard(0, undefined, e, fenced(e), DEFAULT_PARAMS, 1);
    await logic.onExtra({ kind: "notice", notice: { shard: 0, epoch: 1, coverage: [mark(5)], sent: [3] } }, { caughtUp: true, lastSeq: 0 });
    await logic.onExtra({ kind: "rank", seq: 1, now: 0, k: 5, cut: [], probe: true }, { caughtUp: true, lastSeq: 0 });
    await logic.onExtra({ kind: "rank", seq: 2, now: T, k: 5, cut: [mark(5)], probe: false }, { caughtUp: true, lastSeq: 0 });
    const batch = encodeDeltaBatch({ shard: 0, epoch: 1, segments: [{ seq: 9, part: 0, deltas: [delta(4)] }], coverage: [mark(3)] });
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

  it("answers no rank request once its lease lapsed (the runtime's fence)", async () => {
    const { env: e, answers } = env();
    let valid = true;
    const { logic } = counterShard(
      0,
      undefined,
      e,
      fenced(e, () => valid),
      DEFAULT_PARAMS,
      1,
    );
    await logic.onExtra({ kind: "rank", seq: 1, now: 0, k: 5, cut: [], probe: true }, { caughtUp: true, lastSeq: 0 });
    valid = false;
    await logic.onExtra({ kind: "rank", seq: 2, now: 0, k: 5, cut: [], probe: true }, { caughtUp: true, lastSeq: 0 });
    expect(answers().map((a) => [a.seq, a.epoch])).toEqual([[1, 1]]);
  });
});
