import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { TrendingSnapshot } from "@meetuphype/proto";
import { fromWire, toWire } from "../src/index.js";

describe("snapshots on the wire", () => {
  it("keep keys with lone surrogates distinct (a proto string turns both into U+FFFD)", () => {
    const served = {
      asOfMs: 1,
      topics: [
        { rank: 1, key: "\ud800", name: "a", score: 2 },
        { rank: 2, key: "\udc00", name: "b", score: 1 },
        { rank: 3, key: "ok😀", name: "c", score: 0.5 },
      ],
    };
    const bytes = TrendingSnapshot.encode(toWire(served, 0, DEFAULT_PARAMS)).finish();
    const back = TrendingSnapshot.decode(bytes);
    // The string field alone loses them (what a client that ignores key_wtf8 sees) ...
    expect(back.topics.map((t) => t.key)).toEqual(["\ufffd", "\ufffd", "ok😀"]);
    // ... the bytes beside it do not.
    expect(fromWire(back).topics.map((t) => t.key)).toEqual(["\ud800", "\udc00", "ok😀"]);
  });

  it("carry the cut and how far behind it is", () => {
    const s = { asOfMs: 9, topics: [], catchingUp: true, recordsBehind: 4, cut: [{ partition: 1, next: 12 }], inputTopic: "meetup" };
    const w = TrendingSnapshot.decode(TrendingSnapshot.encode(toWire(s, 0, DEFAULT_PARAMS)).finish());
    expect(w.cut).toEqual([{ topic: "meetup", partition: 1, nextOffset: 12 }]);
    expect(w.recordsBehind).toBe(4);
    expect(fromWire(w)).toEqual(s);
  });
});
