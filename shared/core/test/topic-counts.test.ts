import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, TopicCounts, type TopicDelta } from "../src/index.js";

const H = 3_600_000;
const M = 60_000;
const T0 = 2_000 * H;
const delta = (key: string, t: number, weight: number, name = key.toUpperCase()): TopicDelta => ({
  key,
  name,
  hour: Math.floor(t / H),
  minute: Math.floor(t / M),
  weight,
  mtime: t,
});

describe("TopicCounts", () => {
  it("scores with decay and ranks by score then key", () => {
    const c = new TopicCounts(DEFAULT_PARAMS);
    c.advance(T0);
    c.apply(delta("b", T0 - 2 * H, 15));
    c.apply(delta("b", T0 - H, 6));
    c.apply(delta("b", T0, 3));
    c.apply(delta("a", T0, 11));
    c.apply(delta("z", T0, 11));
    expect(c.top(10)).toEqual([
      { key: "a", name: "A", score: 11 },
      { key: "b", name: "B", score: 11 },
      { key: "z", name: "Z", score: 11 },
    ]);
    expect(c.top(1).map((t) => t.key)).toEqual(["a"]);
  });

  it("drops a topic with no live positive RSVP in the idle window", () => {
    const c = new TopicCounts(DEFAULT_PARAMS);
    c.advance(T0);
    c.apply(delta("old", T0 - 71 * M, 5));
    c.apply(delta("new", T0 - 69 * M, 1));
    expect(c.top(10).map((t) => t.key)).toEqual(["new"]);
  });

  it("a retraction cancels an addition exactly", () => {
    const c = new TopicCounts(DEFAULT_PARAMS);
    c.advance(T0);
    c.apply(delta("js", T0, 3));
    c.apply(delta("js", T0, -3));
    expect(c.top(10)).toEqual([]);
    expect(c.size).toBe(0);
  });

  it("prefers the name of the most recent record", () => {
    const c = new TopicCounts(DEFAULT_PARAMS);
    c.advance(T0);
    c.apply(delta("js", T0, 1, "New"));
    c.apply(delta("js", T0 - M, 1, "Old"));
    expect(c.top(1)[0]?.name).toBe("New");
  });

  it("prunes buckets past the window, so state stays bounded", () => {
    const c = new TopicCounts(DEFAULT_PARAMS);
    c.advance(T0);
    for (let i = 0; i < 50; i++) c.apply(delta(`t${i}`, T0, 1));
    c.advance(T0 + 26 * H);
    c.prune();
    expect(c.size).toBe(0);
    // Deltas for dropped buckets, additions or retractions, are ignored.
    c.apply(delta("t1", T0, -1));
    expect(c.size).toBe(0);
  });
});
