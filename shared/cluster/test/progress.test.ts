import { describe, expect, it } from "vitest";
import { ProgressFollower, watermark } from "../src/index.js";

const enc = (o: object) => new TextEncoder().encode(JSON.stringify(o));

describe("the watermark", () => {
  it("is the lowest clock among shards with messages waiting, and infinite when none waits", () => {
    expect(watermark([])).toBe(Infinity);
    expect(watermark([{ clock: 50, pending: 0 }])).toBe(Infinity);
    expect(
      watermark([
        { clock: 50, pending: 0 },
        { clock: 70, pending: 3 },
        { clock: 60, pending: 1 },
      ]),
    ).toBe(60);
  });

  it("follows the dedup shards' reports in the bucket", () => {
    const f = new ProgressFollower();
    f.accept("dedup.1", enc({ clock: 100, pending: 5 }));
    f.accept("dedup.2", enc({ clock: 90, pending: 0 }));
    f.accept("counter.1", enc({ clock: 10, pending: 9 }));
    expect(f.watermark).toBe(100);
    f.accept("dedup.1", enc({ clock: 120, pending: 0 }));
    expect(f.watermark).toBe(Infinity);
    f.accept("dedup.3", enc({ clock: 80, pending: 2 }));
    f.accept("dedup.3", undefined);
    expect(f.watermark).toBe(Infinity);
  });
});
