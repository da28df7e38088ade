import { describe, expect, it } from "vitest";
import { RankingHistory, scoreSeries, type HistoryPoint } from "../src/index.js";

const MIN = 60_000;
const point = (minute: number, scores: Record<string, number>, secs = 0): HistoryPoint => ({
  asOfMs: minute * MIN + secs * 1000,
  topics: Object.entries(scores).map(([key, score]) => ({ key, name: key.toUpperCase(), score })),
});

describe("RankingHistory", () => {
  it("keeps the last ranking of each minute, oldest first", () => {
    const h = new RankingHistory(MIN, 10 * MIN);
    h.record(point(100, { a: 1 }, 5));
    h.record(point(100, { a: 2 }, 50));
    h.record(point(100, { a: 9 }, 20)); // earlier in the same minute: the later ranking stays
    h.record(point(101, { a: 3 }));
    expect(h.list().map((p) => [p.asOfMs, p.topics[0]?.score])).toEqual([
      [100 * MIN + 50_000, 2],
      [101 * MIN, 3],
    ]);
  });

  it("drops minutes beyond the horizon and says which, and ignores a ranking older than it", () => {
    const h = new RankingHistory(MIN, 3 * MIN);
    for (const m of [10, 11, 12]) expect(h.record(point(m, { a: m }))).toEqual([]);
    expect(h.record(point(14, { a: 14 }))).toEqual([10, 11]);
    expect(h.list().map((p) => p.asOfMs / MIN)).toEqual([12, 14]);
    expect(h.record(point(11, { a: 0 }))).toBeUndefined();
    expect(h.record(point(13, { a: 13 }))).toEqual([]); // late but within the horizon
    expect(h.size).toBe(3);
  });
});

describe("scoreSeries", () => {
  const points = [point(0, { a: 1, b: 5 }), point(2, { a: 3 }), point(3, { a: 4, b: 1 })];

  it("gives a value per minute, repeating a minute without change and null where the topic was not ranked", () => {
    expect(scoreSeries(points, "a", 5 * MIN, MIN)).toEqual([1, 1, 3, 4, 4, 4]);
    expect(scoreSeries(points, "b", 3 * MIN, MIN)).toEqual([5, 5, null, 1]);
    expect(scoreSeries(points, "zz", 3 * MIN, MIN)).toEqual([null, null, null, null]);
    expect(scoreSeries([], "a", 0, MIN)).toEqual([]);
  });
});
