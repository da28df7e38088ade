import { describe, expect, it } from "vitest";
import { FakeClock } from "@meetuphype/actors";
import { syntheticBatches } from "../src/index.js";

async function take(gen: AsyncGenerator<string[]>, batches: number): Promise<string[][]> {
  const out: string[][] = [];
  for await (const b of gen) {
    out.push(b);
    if (out.length === batches) break;
  }
  return out;
}

describe("syntheticBatches", () => {
  it("unpaced: emits exactly `count` lines in batches of at most maxBatch", async () => {
    const out = await take(
      syntheticBatches({ seed: 1, rate: 50, count: 2500, paced: false, maxBatch: 1000 }, new FakeClock(0), new AbortController().signal),
      10,
    );
    expect(out.map((b) => b.length)).toEqual([1000, 1000, 500]);
  });

  it("paced: emits what is due by the clock at `rate` per second", async () => {
    const clock = new FakeClock(1_000_000);
    const gen = syntheticBatches({ seed: 1, rate: 100, count: 0, paced: true }, clock, new AbortController().signal);
    expect((await gen.next()).value).toHaveLength(1);
    clock.advance(2000);
    expect((await gen.next()).value).toHaveLength(200);
    await gen.return(undefined);
  });
});
