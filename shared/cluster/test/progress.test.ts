import { describe, expect, it } from "vitest";
import { ProgressFollower, watermark } from "../src/index.js";

const enc = (o: object) => new TextEncoder().encode(JSON.stringify(o));

describe("the watermark", () => {
  it("is the lowest clock among shards with more than the slack waiting, and infinite when none lags", () => {
    expect(watermark([])).toBe(Infinity);
    expect(watermark([{ clock: 50, pending: 0 }])).toBe(Infinity);
    expect(watermark([{ clock: 50, pending: 3 }])).toBe(Infinity);
    expect(
      watermark([
        { clock: 50, pending: 0 },
        { clock: 70, pending: 3000 },
        { clock: 60, pending: 51 },
      ]),
    ).toBe(60);
    expect(watermark([{ clock: 60, pending: 1 }], 0)).toBe(60);
  });

  it("follows the shards' reports in the bucket; a shard whose owner went silent holds it at its last clock", () => {
    let t = 0;
    const f = new ProgressFollower(() => t);
    f.accept("dedup.1", enc({ clock: 100, pending: 500 }));
    f.accept("dedup.2", enc({ clock: 90, pending: 0 }));
    f.accept("counter.1", enc({ clock: 95, pending: 900 }));
    expect(f.watermark).toBe(95);
    expect(f.catchingUp(3)).toBe(true);
    expect(f.pending).toBe(1400);
    f.accept("counter.1", enc({ clock: 130, pending: 0 }));
    f.accept("dedup.1", enc({ clock: 120, pending: 0 }));
    expect(f.watermark).toBe(Infinity);
    expect(f.catchingUp(3)).toBe(false);
    expect(f.catchingUp(4)).toBe(true); // a fourth shard has no owner that reports
    expect(f.pending).toBe(0);
    f.accept("dedup.3", enc({ clock: 80, pending: 200 }));
    f.accept("dedup.3", undefined);
    expect(f.watermark).toBe(Infinity);
    t = 2000;
    f.accept("dedup.1", enc({ clock: 125, pending: 0 }));
    f.accept("counter.1", enc({ clock: 130, pending: 0 }));
    t = 4000; // dedup.2 has not reported for 4 s: its owner died
    expect(f.watermark).toBe(90);
    expect(f.catchingUp(3)).toBe(true);
  });
});
