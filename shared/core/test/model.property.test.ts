/**
 * Property tests: sharding, merging and arrival order do not change the
 * ranking, and the core pieces composed as the pipeline composes them give the
 * plain reference model's ranking.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PARAMS,
  mergeTopK,
  parseLine,
  rsvpShardOf,
  shardOf,
  TopicCounts,
  VersionTracker,
  versionRetentionMs,
  type RankedTopic,
  type TrendingParams,
} from "../src/index.js";
import { arbStreamAndShuffle, rankingDifferences, referenceRanking } from "@meetuphype/testkit";

function rankWithCore(lines: readonly string[], p: TrendingParams, dedupShards: number, counterShards: number): RankedTopic[] {
  const dedups = Array.from({ length: dedupShards }, () => new VersionTracker(versionRetentionMs(p.windowDays, p.idleMinutes)));
  const counters = Array.from({ length: counterShards }, () => new TopicCounts(p));
  let now = 0;
  for (const line of lines) {
    const r = parseLine(line, p.includeEventNames);
    if (!r.ok) continue;
    now = Math.max(now, r.rsvp.mtime);
    const tracker = dedups[rsvpShardOf(r.rsvp.rsvpId, dedupShards)]!;
    tracker.forget(now);
    for (const d of tracker.apply(r.rsvp, now).deltas) {
      const counter = counters[shardOf(d.key, counterShards)]!;
      counter.advance(now);
      counter.apply(d);
    }
  }
  return mergeTopK(
    counters.map((c) => {
      c.advance(now);
      c.prune();
      return c.top(p.topN);
    }),
    p.topN,
  );
}

const served = (ts: RankedTopic[]): { rank: number; key: string; name: string; score: number }[] =>
  ts.map((t, i) => ({ ...t, rank: i + 1 }));

const arbParams = fc.record({
  topN: fc.integer({ min: 1, max: 6 }),
  windowDays: fc.integer({ min: 1, max: 2 }),
  decay: fc.constantFrom(0, 0.5, 1, 2),
  idleMinutes: fc.constantFrom(1, 30, 70, 3000),
  includeEventNames: fc.boolean(),
  clock: fc.constant(DEFAULT_PARAMS.clock),
});

describe("the core, composed, against the reference model", () => {
  it("equals the model for any stream, parameters and shard counts", () => {
    fc.assert(
      fc.property(
        arbStreamAndShuffle(),
        arbParams,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        ({ lines }, p, ds, cs) => {
          expect(rankingDifferences(served(rankWithCore(lines, p, ds, cs)), referenceRanking(lines, p))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("does not depend on arrival order or on the number of shards", () => {
    fc.assert(
      fc.property(arbStreamAndShuffle(), arbParams, fc.integer({ min: 1, max: 16 }), ({ lines, shuffled }, p, shards) => {
        expect(rankWithCore(shuffled, p, shards, shards)).toEqual(rankWithCore(lines, p, 1, 1));
      }),
      { numRuns: 300 },
    );
  });

  it("merging shard top-Ks equals ranking all topics at once", () => {
    const arbTopics = fc.uniqueArray(
      fc.record({ key: fc.string({ maxLength: 4 }), name: fc.constant("n"), score: fc.integer({ min: 1, max: 5 }).map((x) => x / 2) }),
      { selector: (t) => t.key },
    );
    fc.assert(
      fc.property(arbTopics, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 10 }), (topics, shards, n) => {
        const byShard = Array.from({ length: shards }, () => [] as RankedTopic[]);
        for (const t of topics) byShard[shardOf(t.key, shards)]!.push(t);
        const perShard = byShard.map((l) => mergeTopK([l], n));
        expect(mergeTopK(perShard, n)).toEqual(mergeTopK([topics], n));
      }),
    );
  });
});
