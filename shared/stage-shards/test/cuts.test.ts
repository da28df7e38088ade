/**
 * Exact cuts in the embedded pipeline: every ranking, asked for at any moment while
 * lines still flow through the stages, equals the model over exactly the lines its
 * cut names (partition 0, counting lines), at the cut's clock.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FakeClock } from "@meetuphype/actors";
import { silentLogger } from "@meetuphype/log";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { arbStreamAndShuffle, rankingDifferences, referenceRanking } from "@meetuphype/testkit";
import type { Snapshot } from "@meetuphype/pipeline";
import { EmbeddedPipeline } from "../src/index.js";

describe("exact cuts (embedded)", () => {
  it("every ranking taken mid-stream is the model's over the lines of its cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbStreamAndShuffle(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 9 }),
        async ({ shuffled }, ds, cs, batch) => {
          const params = { ...DEFAULT_PARAMS, topN: 5 };
          const p = new EmbeddedPipeline({
            params,
            clock: new FakeClock(0),
            logger: silentLogger,
            dedupShards: ds,
            counterShards: cs,
            mailboxCapacity: 2,
          });
          // Rankings are asked for while the stages still hold lines: nothing is drained first.
          const taken: Promise<Snapshot>[] = [];
          for (let i = 0; i < shuffled.length; i += batch) {
            await p.push(shuffled.slice(i, i + batch));
            if ((i / batch) % 2 === 0) taken.push(p.rank());
          }
          await p.drain();
          taken.push(p.rank());
          const snaps = await Promise.all(taken);
          let before = 0;
          for (const s of snaps) {
            const lines = s.cut?.find((c) => c.partition === 0)?.next ?? 0;
            expect(lines).toBeGreaterThanOrEqual(before);
            before = lines;
            const model = referenceRanking(shuffled.slice(0, lines), params);
            expect(rankingDifferences([...s.topics], model)).toEqual([]);
            expect(s.asOfMs).toBe(model.asOfMs);
          }
          expect(before).toBe(shuffled.length);
          await p.stop();
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a ranking names the lines it covers even when some of them are not valid", async () => {
    const p = new EmbeddedPipeline({
      params: DEFAULT_PARAMS,
      clock: new FakeClock(0),
      logger: silentLogger,
      dedupShards: 2,
      counterShards: 2,
    });
    const good = JSON.stringify({ rsvp_id: 1, mtime: 1_700_000_000_000, response: "yes", group: { group_topics: [{ urlkey: "js" }] } });
    await p.push(["{bad", good, ""]);
    await p.drain();
    const s = await p.rank();
    expect(s.cut).toEqual([{ partition: 0, next: 3, clock: 1_700_000_000_000 }]);
    expect(s.topics.map((t) => t.key)).toEqual(["js"]);
    await p.stop();
  });
});
