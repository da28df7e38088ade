import { describe, expect, it } from "vitest";
import { changeText, parametersText, rankChanges, sparklinePath, statusLine, type Snapshot, type Topic } from "../page/view.js";

const topics = (...keys: string[]): Topic[] => keys.map((key, i) => ({ rank: i + 1, key, name: key, score: 10 - i }));
const snap = (over: Partial<Snapshot> = {}): Snapshot => ({
  asOfMs: 0,
  topics: topics("a"),
  stale: false,
  catchingUp: false,
  pendingMessages: 0,
  ...over,
});

describe("the page's rank changes", () => {
  it("says up, down, new or same against the previous ranking, in symbols and words", () => {
    const c = rankChanges(topics("a", "b", "c"), topics("c", "a", "d"));
    expect(Object.fromEntries(c)).toEqual({ c: { kind: "up", by: 2 }, a: { kind: "down", by: 1 }, d: { kind: "new" } });
    expect(changeText(c.get("c")!)).toEqual({ symbol: "▲2", words: "up 2" });
    expect(changeText(c.get("a")!)).toEqual({ symbol: "▼1", words: "down 1" });
    expect(changeText(c.get("d")!).symbol).toBe("new");
    expect([...rankChanges(undefined, topics("x")).values()]).toEqual([{ kind: "same" }]);
  });
});

describe("sparklines", () => {
  it("draws a segment per run of values, scaled to the series' maximum from 0", () => {
    expect(sparklinePath([0, 5, 10], 100, 20)).toBe("M0 20 L50 10 L100 0");
    expect(sparklinePath([10, null, 10, 5], 30, 10)).toBe("M0 0 h0.1 M20 0 L30 5"); // a lone value is a dot
    expect(sparklinePath([null, null, 4], 20, 10)).toBe("M20 0 h0.1");
    expect(sparklinePath([], 100, 20)).toBe("");
    expect(sparklinePath([null, 0], 100, 20)).toBe("");
  });
});

describe("the status line", () => {
  it("is live only when the page and the board's upstream are connected and the ranking is current", () => {
    const up = { connected: true, since: 0 };
    expect(statusLine({ pageConnected: true, upstream: up, snapshot: snap() }).kind).toBe("live");
    expect(statusLine({ pageConnected: false, upstream: up, snapshot: snap() }).text).toMatch(/^Disconnected from the board/);
    expect(
      statusLine({ pageConnected: true, upstream: { connected: false, since: 0, reason: "agg:50051: gone" }, snapshot: snap() }).text,
    ).toBe("Disconnected: the board lost its ranking source (agg:50051: gone). Reconnecting…");
    expect(statusLine({ pageConnected: true, upstream: up, snapshot: snap({ stale: true }) }).kind).toBe("stale");
    expect(statusLine({ pageConnected: true, upstream: up, snapshot: snap({ catchingUp: true, recordsBehind: 7 }) }).text).toMatch(
      /7 records wait/,
    );
    expect(statusLine({ pageConnected: false, upstream: undefined, snapshot: undefined }).kind).toBe("connecting");
    expect(
      statusLine({ pageConnected: true, upstream: { connected: false, since: 0, reason: "not connected yet" }, snapshot: undefined }),
    ).toEqual({
      kind: "connecting",
      text: "Waiting for the ranking source (not connected yet)…",
    });
  });

  it("names the parameters", () => {
    const p = { topN: 20, windowDays: 1, decay: 1, idleMinutes: 70, includeEventNames: false, clock: "event" };
    expect(parametersText(p)).toBe("top 20 · window 1 d · decay 1 · idle 70 min · event clock");
  });
});
