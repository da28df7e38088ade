/**
 * `run` on a file: the parse threads read the file, each parsing its share of the batches, and
 * this thread takes their batches in file order. If a thread fails part-way, the rest of the file
 * is read here from the line after the last batch taken: no line lost, none fed twice, and the
 * ranking still the model's.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeClock } from "@meetuphype/actors";
import { DEFAULT_PARAMS, parseLine } from "@meetuphype/core";
import { memoryLogger } from "@meetuphype/log";
import { FILE_AHEAD, ParseThread, SyntheticSource } from "@meetuphype/pipeline";
import { EmbeddedPipeline } from "@meetuphype/stage-shards";
import { rankingDifferences, referenceRanking } from "@meetuphype/testkit";
import { feedFileOnThread, FILE_BATCH_LINES } from "../src/feed.js";
import { openFile } from "../src/io.js";

describe("a file read on the parse threads", () => {
  it.each([
    ["one thread reads it all", 1, undefined, 0],
    ["the thread fails after two batches", 1, undefined, 2],
    ["two threads read it all", 2, undefined, 0],
    ["three threads read it all", 3, undefined, 0],
    ["the second of two threads fails after two batches", 2, 1, 2],
    ["the first of two threads fails after four batches", 2, 0, 4],
  ] as const)(
    "%s: every line fed once, in order, the ranking the model's",
    async (_name, threads, failing, failAfterOrZero) => {
      const failAfter = failAfterOrZero === 0 ? undefined : failAfterOrZero;
      // A failing thread must still have batches it has not sent. When it fails it has been given at
      // most failAfter + 1 credits (the batches taken, and the one asked for next) beside its first
      // FILE_AHEAD, so it has sent at most FILE_AHEAD + failAfter + 1 batches. The failing cases run
      // at most two threads and fail after four batches at most, so in a file of this many batches the
      // failing thread owns two more than it can have sent.
      const batches = 2 * (FILE_AHEAD + 4 + 1 + 2);
      const src = new SyntheticSource({ seed: 5, rate: 20, malformedRate: 0.02 });
      const lines = Array.from({ length: (batches - 1) * FILE_BATCH_LINES + 500 }, (_, i) => (i % 500 === 17 ? "" : src.next()));
      const file = join(mkdtempSync(join(tmpdir(), "feed-")), "in.jsonl");
      writeFileSync(file, `${lines.join("\n")}\n`);
      const { logger, lines: logged } = memoryLogger();
      const p = new EmbeddedPipeline({ params: DEFAULT_PARAMS, clock: new FakeClock(0), logger, parseThread: true });
      const thread = p.parseThread;
      if (thread === undefined) throw new Error("the pipeline started no parse thread");
      const all = [thread, ...Array.from({ length: threads - 1 }, () => new ParseThread(thread.options))];
      let onThread = 0;
      let taken = 0;
      let here = 0;
      // The rsvp_ids of the valid records as fed, to check the file's order.
      const fed: number[] = [];
      const sink = {
        push: async (batch: readonly string[]) => {
          here += batch.length;
          for (const l of batch) {
            const r = l.trim() === "" ? undefined : parseLine(l, false);
            if (r?.ok === true) fed.push(r.rsvp.rsvpId);
          }
          await p.push(batch);
        },
        pushParsed: async (...args: Parameters<EmbeddedPipeline["pushParsed"]>) => {
          onThread += args[1];
          fed.push(...args[0].rsvpIds.subarray(0, args[0].count));
          await p.pushParsed(...args);
          if (++taken === failAfter) await all[failing ?? 0]!.close(); // as if the thread had died
        },
      };
      const read = await feedFileOnThread(sink, all, await openFile(file), undefined, new AbortController().signal, logger);
      await p.drain();
      const snap = await p.rank();
      await p.stop();
      await Promise.all(all.map((t) => t.close()));
      expect(read).toBe(lines.length);
      expect(onThread + here).toBe(lines.length);
      if (failAfter === undefined) expect(onThread).toBe(lines.length);
      else {
        // The batches it had sent before it failed are whole and taken; the rest is read here.
        expect(taken).toBeGreaterThanOrEqual(failAfter);
        expect(here).toBeGreaterThan(0);
      }
      const inOrder = lines.flatMap((l) => {
        const r = l.trim() === "" ? undefined : parseLine(l, false);
        return r?.ok === true ? [r.rsvp.rsvpId] : [];
      });
      expect(fed).toEqual(inOrder);
      const model = referenceRanking(lines, DEFAULT_PARAMS);
      expect(rankingDifferences([...snap.topics], model)).toEqual([]);
      expect(p.stats.lines).toBe(model.lines);
      expect(p.stats.accepted).toBe(model.accepted);
      expect(p.stats.rejected).toEqual(model.rejected);
      expect(p.cut).toEqual([expect.objectContaining({ partition: 0, next: lines.length })]);
      // Said once by the feed, and once more by the pipeline when its own thread was the one that failed.
      expect(logged.filter((l) => l.includes("a parse thread failed"))).toHaveLength(failAfter === undefined ? 0 : 1);
      const own = failAfter !== undefined && (failing ?? 0) === 0;
      expect(logged.filter((l) => l.includes("the parse thread failed"))).toHaveLength(own ? 1 : 0);
    },
    // 43,500 lines through the pipeline and the model: 2 to 3 s on an idle machine.
    30_000,
  );
});
