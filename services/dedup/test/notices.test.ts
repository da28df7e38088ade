import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeCoverageNotices } from "@meetuphype/control-plane";
import type { Marks } from "@meetuphype/core";
import type { DedupShardState } from "@meetuphype/stage-shards";
import { CoverageNotices, REPEAT_MS } from "../src/notices.js";

/** A dedup shard's state as its notices read it; the test moves it by hand. */
function shardState(epoch = 1) {
  const s = { coverage: [] as Marks, sent: [0, 0], valid: true };
  const state: DedupShardState = { settled: () => ({ coverage: s.coverage, sent: s.sent }), epoch, valid: () => s.valid };
  const move = (next: number) => {
    s.coverage = [{ partition: 0, next, clock: next }];
    s.sent = [next, next];
  };
  return { s, state, move };
}

/** Notices with a hand-turned end of turn and clock. */
function harness() {
  vi.useFakeTimers();
  const sent: { shard: number; next: number }[] = [];
  const messages: number[] = [];
  let turn: (() => void) | undefined;
  const notices = new CoverageNotices(
    (bytes) => {
      const ns = decodeCoverageNotices(bytes);
      messages.push(ns.length);
      for (const n of ns) sent.push({ shard: n.shard, next: n.coverage[0]?.next ?? 0 });
    },
    () => Date.now(),
    (f) => (turn = f),
  );
  const endTurn = () => {
    const f = turn;
    turn = undefined;
    f?.();
  };
  return { notices, sent, messages, endTurn, scheduled: () => turn !== undefined };
}

afterEach(() => vi.useRealTimers());

describe("the dedup replica's coverage notices", () => {
  it("announce the shards that settled at the end of the turn, once, in one message, not on a tick", () => {
    const { notices, sent, messages, endTurn, scheduled } = harness();
    const a = shardState();
    const b = shardState();
    notices.add(0, a.state);
    notices.add(1, b.state);
    // Both are new: their first notice goes with the first send.
    notices.settled();
    endTurn();
    expect(sent).toEqual([
      { shard: 0, next: 0 },
      { shard: 1, next: 0 },
    ]);
    expect(messages).toEqual([2]);
    sent.length = 0;
    a.move(10);
    notices.settled();
    notices.settled();
    expect(sent).toEqual([]);
    endTurn();
    // Shard 1 did not move and was announced just now: only shard 0 goes, once.
    expect(sent).toEqual([{ shard: 0, next: 10 }]);
    expect(scheduled()).toBe(false);
    notices.close();
  });

  it("repeat an unchanged notice every REPEAT_MS, and drop a shard whose lease is gone", () => {
    const { notices, sent, endTurn } = harness();
    const a = shardState();
    const b = shardState();
    notices.add(0, a.state);
    notices.add(1, b.state);
    a.move(5);
    b.move(7);
    notices.settled();
    endTurn();
    sent.length = 0;
    vi.advanceTimersByTime(REPEAT_MS - 150);
    expect(sent).toEqual([]);
    b.s.valid = false;
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([{ shard: 0, next: 5 }]);
    // Shard 1 is gone for good, even when it moves later.
    b.move(9);
    notices.settled();
    endTurn();
    vi.advanceTimersByTime(REPEAT_MS);
    expect(sent.filter((n) => n.shard === 1)).toEqual([]);
    notices.close();
  });
});
