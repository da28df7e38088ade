import { describe, expect, it } from "vitest";
import { minuteSum, scoreOf } from "../src/index.js";

describe("scoreOf (the spec's worked examples)", () => {
  const c = 1000;
  const hours = new Map([
    [c - 2, 15],
    [c - 1, 6],
    [c, 3],
  ]);

  it("gives 11 with decay 1", () => {
    expect(scoreOf(hours, c, c - 24, 1)).toBe(11);
  });

  it("gives 6.1667 with decay 2", () => {
    expect(scoreOf(hours, c, c - 24, 2)).toBeCloseTo(15 / 9 + 6 / 4 + 3, 12);
    expect(scoreOf(hours, c, c - 24, 2).toFixed(4)).toBe("6.1667");
  });

  it("is plain popularity with decay 0, and drops buckets before the window", () => {
    expect(scoreOf(hours, c, c - 24, 0)).toBe(24);
    expect(scoreOf(hours, c, c - 1, 0)).toBe(9);
  });

  it("weights future buckets by their distance too", () => {
    expect(scoreOf(new Map([[c + 1, 4]]), c, c - 24, 1)).toBe(2);
  });
});

describe("minuteSum", () => {
  it("sums the closed range only", () => {
    const m = new Map([
      [9, 1],
      [10, 2],
      [20, 4],
      [21, 8],
    ]);
    expect(minuteSum(m, 10, 20)).toBe(6);
  });
});
