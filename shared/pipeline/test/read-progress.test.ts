import { describe, expect, it } from "vitest";
import { FakeClock } from "@meetuphype/actors";
import { ReadProgress } from "../src/index.js";

describe("ReadProgress", () => {
  it("stays quiet for short inputs", () => {
    const out: string[] = [];
    const clock = new FakeClock(0);
    const p = new ReadProgress(clock, (s) => out.push(s), "f.jsonl", 1000, false);
    clock.advance(500);
    p.update(500, 10);
    p.finish(10);
    expect(out).toEqual([]);
  });

  it("reports at most once a second with bytes, share and rate, then a closing line", () => {
    const out: string[] = [];
    const clock = new FakeClock(0);
    const p = new ReadProgress(clock, (s) => out.push(s), "f.jsonl", 4 * 1024 * 1024, false);
    clock.advance(1000);
    p.update(1024 * 1024, 5000);
    clock.advance(300);
    p.update(2 * 1024 * 1024, 9000);
    clock.advance(1000);
    p.update(3 * 1024 * 1024, 15000);
    p.finish(20000);
    expect(out).toEqual([
      "f.jsonl: 1.0 MiB of 4.0 MiB (25%), 5000 lines, 5000 lines/s\n",
      "f.jsonl: 3.0 MiB of 4.0 MiB (75%), 15000 lines, 6522 lines/s\n",
      "f.jsonl: done, 20000 lines in 2.3 s\x1b[K\n",
    ]);
  });
});
