import { describe, expect, it } from "vitest";
import { RankingHistory } from "@meetuphype/core";
import { recordHistory } from "../src/history.js";
import type { ServedSnapshot, SnapshotSource } from "../src/types.js";

/** A source whose rankings the test publishes by hand. */
function source(first?: ServedSnapshot): SnapshotSource & { publish(s: ServedSnapshot): void } {
  const listeners = new Set<(s: ServedSnapshot) => void>();
  let snapshot = first;
  return {
    get snapshot() {
      return snapshot;
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    publish(s) {
      snapshot = s;
      for (const l of listeners) l(s);
    },
  };
}

const ranking = (asOfMs: number, score: number, flags: Partial<ServedSnapshot> = {}): ServedSnapshot => ({
  asOfMs,
  topics: [{ rank: 1, key: "k", name: "K", score }],
  ...flags,
});

describe("recordHistory", () => {
  it("keeps every ranking of a cut, catching up or not, but never a stale stand-in", () => {
    const minute = 60_000;
    const src = source(ranking(10 * minute, 1));
    const history = new RankingHistory();
    const kept: number[] = [];
    const stop = recordHistory(src, history, (bucket) => kept.push(bucket));
    src.publish(ranking(11 * minute, 2));
    src.publish(ranking(11 * minute + 500, 99, { stale: true }));
    // Records wait behind this cut: it is still the exact ranking of its time, a point of minute 11.
    src.publish(ranking(11 * minute + 30_000, 5, { catchingUp: true }));
    src.publish(ranking(12 * minute, 3));
    stop();
    src.publish(ranking(13 * minute, 4));
    expect(history.list().map((p) => [p.asOfMs, p.topics[0]?.score])).toEqual([
      [10 * minute, 1],
      [11 * minute + 30_000, 5],
      [12 * minute, 3],
    ]);
    expect(kept).toEqual([10, 11, 11, 12]);
  });
});
