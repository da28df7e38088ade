import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FakeClock } from "@meetuphype/actors";
import { memoryLogger, silentLogger } from "@meetuphype/log";
import { DEFAULT_PARAMS, type TrendingParams } from "@meetuphype/core";
import { arbStreamAndShuffle, rankingDifferences, referenceRanking } from "@meetuphype/testkit";
import { ParseThread, SyntheticSource, type Rejection, type Snapshot } from "@meetuphype/pipeline";
import { EmbeddedPipeline } from "../src/index.js";

async function runAll(
  lines: readonly string[],
  params: TrendingParams,
  shards: { dedup: number; counter: number },
  batch = 7,
  parseThread = false,
): Promise<{ snap: Snapshot; p: EmbeddedPipeline; dead: Rejection[] }> {
  const dead: Rejection[] = [];
  const p = new EmbeddedPipeline({
    params,
    clock: new FakeClock(0),
    logger: silentLogger,
    dedupShards: shards.dedup,
    counterShards: shards.counter,
    mailboxCapacity: 2,
    deadLetter: { write: (r) => void dead.push(...r) },
    parseThread,
  });
  for (let i = 0; i < lines.length; i += batch) await p.push(lines.slice(i, i + batch));
  await p.drain();
  const snap = await p.rank();
  await p.stop();
  return { snap, p, dead };
}

describe("EmbeddedPipeline", () => {
  it("serves the reference model's ranking for any stream and shard layout", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbStreamAndShuffle(),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 20 }),
        async ({ shuffled }, ds, cs, batch) => {
          const params = { ...DEFAULT_PARAMS, topN: 5 };
          const { snap, p } = await runAll(shuffled, params, { dedup: ds, counter: cs }, batch);
          const model = referenceRanking(shuffled, params);
          expect(rankingDifferences([...snap.topics], model)).toEqual([]);
          expect(snap.asOfMs).toBe(model.asOfMs);
          expect(p.stats.accepted).toBe(model.accepted);
          expect(p.actorFailures).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([false, true])(
    "counts and dead-letters every rejected line with its reason, and skips blank lines (parse thread: %s)",
    async (parseThread) => {
      const good = JSON.stringify({
        rsvp_id: 1,
        mtime: 1_700_000_000_000,
        response: "yes",
        group: { group_topics: [{ urlkey: "js", topic_name: "JS" }] },
      });
      const lines = [good, "", "   ", "{oops", "[]", JSON.stringify({ rsvp_id: 2 }), good, `${good}\r`];
      const { snap, p, dead } = await runAll(lines, DEFAULT_PARAMS, { dedup: 2, counter: 2 }, 7, parseThread);
      expect(p.stats).toEqual({
        lines: 6,
        accepted: 3,
        rejected: { invalid_json: 1, not_an_object: 1, invalid_mtime: 1 },
        ignoredVersions: 2,
        expiredVersions: 0,
      });
      expect(dead.map((d) => [d.reason, d.line])).toEqual([
        ["invalid_json", "{oops"],
        ["not_an_object", "[]"],
        ["invalid_mtime", JSON.stringify({ rsvp_id: 2 })],
      ]);
      expect(snap.topics).toEqual([{ rank: 1, key: "js", name: "JS", score: 1 }]);
    },
  );

  it.each([false, true])(
    "matches the model on a synthetic stream with re-reads, updates and bad lines (parse thread: %s)",
    async (parseThread) => {
      const src = new SyntheticSource({ seed: 7, rate: 20, malformedRate: 0.01 });
      const lines = Array.from({ length: 6000 }, () => src.next());
      for (const params of [DEFAULT_PARAMS, { ...DEFAULT_PARAMS, decay: 2, idleMinutes: 30, includeEventNames: true }]) {
        const { snap, p, dead } = await runAll(lines, params, { dedup: 4, counter: 8 }, 100, parseThread);
        const model = referenceRanking(lines, params);
        expect(rankingDifferences([...snap.topics], model)).toEqual([]);
        expect(snap.topics.length).toBe(20);
        expect(p.stats.rejected).toEqual(model.rejected);
        expect(dead.length).toBe(Object.values(model.rejected).reduce((a, b) => a + b, 0));
        expect(p.stats.ignoredVersions).toBe(model.ignoredVersions);
      }
    },
  );

  it("parses on this thread, with one warning, once the parse thread has failed, and loses no line", async () => {
    const src = new SyntheticSource({ seed: 11, rate: 20, malformedRate: 0.01 });
    const lines = Array.from({ length: 3000 }, () => src.next());
    const { logger, lines: logged } = memoryLogger();
    const thread = new ParseThread({ includeEventNames: false, dedupShards: 4 });
    const p = new EmbeddedPipeline({
      params: DEFAULT_PARAMS,
      clock: new FakeClock(0),
      logger,
      dedupShards: 4,
      counterShards: 8,
      parseThread: thread,
    });
    for (let i = 0; i < 1500; i += 100) await p.push(lines.slice(i, i + 100));
    await p.drain();
    await thread.close(); // as if the thread had died
    for (let i = 1500; i < lines.length; i += 100) await p.push(lines.slice(i, i + 100));
    await p.drain();
    const snap = await p.rank();
    await p.stop();
    const model = referenceRanking(lines, DEFAULT_PARAMS);
    expect(rankingDifferences([...snap.topics], model)).toEqual([]);
    expect(p.stats.accepted).toBe(model.accepted);
    expect(p.stats.rejected).toEqual(model.rejected);
    expect(p.actorFailures).toBe(0);
    expect(logged.filter((l) => l.includes("the parse thread failed"))).toHaveLength(1);
  });

  it("ranks at the wall clock in processing mode", async () => {
    const clock = new FakeClock(1_700_000_100_000);
    const p = new EmbeddedPipeline({
      params: { ...DEFAULT_PARAMS, clock: "processing" },
      clock,
      logger: silentLogger,
      dedupShards: 1,
      counterShards: 1,
    });
    await p.push([JSON.stringify({ rsvp_id: 1, mtime: 1_700_000_000_000, response: "yes", group: { group_topics: [{ urlkey: "js" }] } })]);
    await p.drain();
    expect((await p.rank()).asOfMs).toBe(1_700_000_100_000);
    expect((await p.rank()).topics.map((t) => t.key)).toEqual(["js"]);
    clock.advance(71 * 60_000);
    expect((await p.rank()).topics).toEqual([]);
    await p.stop();
  });
});
