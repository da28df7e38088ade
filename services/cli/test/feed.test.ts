/**
 * `run` on a file: the parse thread reads the file and this thread takes its batches. If the
 * thread fails part-way, the rest of the file is read here from the line after the last batch
 * taken: no line lost, none fed twice, and the ranking still the model's.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeClock } from "@meetuphype/actors";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { memoryLogger } from "@meetuphype/log";
import { SyntheticSource } from "@meetuphype/pipeline";
import { EmbeddedPipeline } from "@meetuphype/stage-shards";
import { rankingDifferences, referenceRanking } from "@meetuphype/testkit";
import { feedFileOnThread } from "../src/feed.js";
import { openFile } from "../src/io.js";

describe("a file read on the parse thread", () => {
  it.each([
    ["the thread reads it all", undefined],
    ["the thread fails after two batches", 2],
  ])("%s: every line fed once, the ranking the model's", async (_name, failAfter) => {
    const src = new SyntheticSource({ seed: 5, rate: 20, malformedRate: 0.02 });
    const lines = Array.from({ length: 12_500 }, (_, i) => (i % 500 === 17 ? "" : src.next()));
    const file = join(mkdtempSync(join(tmpdir(), "feed-")), "in.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const { logger, lines: logged } = memoryLogger();
    const p = new EmbeddedPipeline({ params: DEFAULT_PARAMS, clock: new FakeClock(0), logger, parseThread: true });
    const thread = p.parseThread;
    if (thread === undefined) throw new Error("the pipeline started no parse thread");
    let onThread = 0;
    let batches = 0;
    let here = 0;
    const sink = {
      push: async (batch: readonly string[]) => {
        here += batch.length;
        await p.push(batch);
      },
      pushParsed: async (...args: Parameters<EmbeddedPipeline["pushParsed"]>) => {
        onThread += args[1];
        await p.pushParsed(...args);
        if (++batches === failAfter) await thread.close(); // as if the thread had died
      },
    };
    const read = await feedFileOnThread(sink, thread, await openFile(file), undefined, new AbortController().signal);
    await p.drain();
    const snap = await p.rank();
    await p.stop();
    expect(read).toBe(lines.length);
    expect(onThread + here).toBe(lines.length);
    if (failAfter === undefined) expect(onThread).toBe(lines.length);
    else {
      // The batches it had sent before it failed are whole and taken; the rest is read here.
      expect(batches).toBeGreaterThanOrEqual(failAfter);
      expect(here).toBeGreaterThan(0);
    }
    const model = referenceRanking(lines, DEFAULT_PARAMS);
    expect(rankingDifferences([...snap.topics], model)).toEqual([]);
    expect(p.stats.lines).toBe(model.lines);
    expect(p.stats.accepted).toBe(model.accepted);
    expect(p.stats.rejected).toEqual(model.rejected);
    expect(p.cut).toEqual([expect.objectContaining({ partition: 0, next: lines.length })]);
    expect(logged.filter((l) => l.includes("the parse thread failed"))).toHaveLength(failAfter === undefined ? 0 : 1);
  });
});
