import { describe, expect, it } from "vitest";
import type { HistoryPoint } from "@meetuphype/core";
import { changeText, rankChanges, referencePoint, rising } from "../page/movement.js";
import { axisSeries, peakOf, sparklinePath } from "../page/sparkline.js";
import { statusLine } from "../page/status.js";
import type { Snapshot, Topic } from "../page/types.js";
import { formatTime, parametersText, scoreExplanation, topicUrl } from "../page/words.js";

const MIN = 60_000;
const T0 = Date.UTC(2024, 4, 1, 12, 0);
const topics = (...keys: string[]): Topic[] => keys.map((key, i) => ({ rank: i + 1, key, name: key, score: 10 - i }));
const point = (minute: number, scores: Record<string, number>): HistoryPoint => ({
  asOfMs: T0 + minute * MIN + 5_000,
  topics: Object.entries(scores).map(([key, score]) => ({ key, name: key, score })),
});
const snap = (over: Partial<Snapshot> = {}): Snapshot => ({
  asOfMs: 0,
  topics: topics("a"),
  stale: false,
  catchingUp: false,
  pendingMessages: 0,
  ...over,
});

describe("sparklines on the fixed 3-hour axis", () => {
  it("puts now at the right edge and a topic first ranked an hour ago two thirds along", () => {
    const history = [point(0, { old: 1 }), point(120, { old: 2, fresh: 4 }), point(150, { old: 3, fresh: 8 })];
    const now = T0 + 180 * MIN + 30_000;
    const fresh = axisSeries(history, "fresh", now);
    expect(fresh).toHaveLength(180); // minutes 1 to 180
    expect(fresh.slice(0, 119).every((v) => v === null)).toBe(true);
    expect(fresh[119]).toBe(4);
    expect(fresh[149]).toBe(8);
    expect(fresh[179]).toBe(8); // a minute without a point had no change
    expect(sparklinePath(fresh, 179, 10)).toMatch(/^M119 5 L120 5 .* L179 0$/);
    // Minute 0 lies just beyond the 3 hours: "old" starts at the left edge, at minute 1, with minute 0's score.
    const old = axisSeries(history, "old", now);
    expect(old[0]).toBe(1);
    expect(peakOf(old)).toBe(3);
  });

  it("leaves the axis empty where the history does not reach, and keeps a short history at the right", () => {
    const now = T0 + 10 * MIN;
    const s = axisSeries([point(8, { a: 2 })], "a", now);
    expect(s.filter((v) => v !== null)).toEqual([2, 2, 2]);
    expect(s.slice(-3)).toEqual([2, 2, 2]);
    expect(axisSeries([], "a", now).every((v) => v === null)).toBe(true);
    // Points after `until` (a newer history than the ranking shown) are not drawn.
    expect(axisSeries([point(20, { a: 1 })], "a", now).every((v) => v === null)).toBe(true);
  });

  it("draws a segment per run of values on the series' own scale from 0; a lone value is a dot", () => {
    expect(sparklinePath([0, 5, 10], 100, 20)).toBe("M0 20 L50 10 L100 0");
    expect(sparklinePath([10, null, 10, 5], 30, 10)).toBe("M0 0 h0.1 M20 0 L30 5");
    expect(sparklinePath([null, null, 4], 20, 10)).toBe("M20 0 h0.1");
    expect(sparklinePath([], 100, 20)).toBe("");
    expect(sparklinePath([null, 0], 100, 20)).toBe("");
  });
});

describe("movement over a span", () => {
  const history = [point(0, { a: 5, b: 4, c: 3 }), point(50, { b: 6, a: 5, c: 4 }), point(59, { c: 9, b: 8, a: 5 })];

  it("compares with the ranking of span ago: the last point at or before it", () => {
    const now = T0 + 60 * MIN + 5_000;
    expect(referencePoint(history, now, 10 * MIN)).toEqual({ point: history[1], partial: false });
    expect(referencePoint(history, now, 60 * MIN)).toEqual({ point: history[0], partial: false });
    // The history is shorter than 3 h: its oldest point, marked partial.
    expect(referencePoint(history, now, 180 * MIN)).toEqual({ point: history[0], partial: true });
    expect(referencePoint([], now, MIN)).toBeUndefined();
    expect(referencePoint([point(60, { a: 1 })], now, MIN)).toBeUndefined();
  });

  it("says up, down, new, same, or unknown without an earlier ranking, in symbols and words", () => {
    const c = rankChanges(history[1]!.topics, topics("c", "b", "d"));
    expect(Object.fromEntries(c)).toEqual({ c: { kind: "up", by: 2 }, b: { kind: "down", by: 1 }, d: { kind: "new" } });
    expect(Object.fromEntries(rankChanges(history[1]!.topics, topics("b", "c")))).toEqual({
      b: { kind: "same" },
      c: { kind: "up", by: 1 },
    });
    expect(changeText({ kind: "up", by: 2 }, "1 h")).toEqual({ symbol: "▲2", words: "up 2 since 1 h ago" });
    expect(changeText({ kind: "down", by: 1 }, "10 min").symbol).toBe("▼1");
    expect(changeText({ kind: "new" }, "1 h").words).toBe("not ranked 1 h ago");
    expect([...rankChanges(undefined, topics("x")).values()]).toEqual([{ kind: "unknown" }]);
    expect(changeText({ kind: "unknown" }, "1 h").symbol).toBe("–");
  });

  it("lists the ranked topics whose score grew most; a newcomer grows by its whole score", () => {
    const now: Topic[] = [
      { rank: 1, key: "c", name: "c", score: 9 },
      { rank: 2, key: "b", name: "b", score: 8 },
      { rank: 3, key: "n", name: "n", score: 5 },
      { rank: 4, key: "a", name: "a", score: 4 },
    ];
    expect(rising(now, history[0]).map((r) => [r.key, r.growth, r.isNew])).toEqual([
      ["c", 6, false],
      ["n", 5, true],
      ["b", 4, false],
    ]);
    expect(rising(now, undefined)).toEqual([]);
  });
});

describe("the status line, in words for viewers", () => {
  const up = { connected: true, since: 0 };
  const down = { connected: false, since: 0, reason: "127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1" };
  const technical = /127\.0\.0\.1|ECONNREFUSED|gRPC|upstream/i;

  it("is live only when the page and the board's source are connected and the ranking is current", () => {
    expect(statusLine({ pageConnected: true, upstream: up, snapshot: snap() })).toEqual({ kind: "live", text: "Live" });
    expect(statusLine({ pageConnected: false, upstream: undefined, snapshot: undefined })).toEqual({
      kind: "connecting",
      text: "Waiting for the ranking…",
    });
    expect(statusLine({ pageConnected: true, upstream: up, snapshot: undefined }).kind).toBe("connecting");
  });

  it("says Reconnecting… when the page or the board's source is lost, never the technical reason", () => {
    for (const s of [
      statusLine({ pageConnected: true, upstream: down, snapshot: snap() }),
      statusLine({ pageConnected: false, upstream: up, snapshot: snap() }),
    ]) {
      expect(s.kind).toBe("disconnected");
      expect(s.text).toMatch(/^Reconnecting…/);
      expect(s.text).not.toMatch(technical);
    }
    const waiting = statusLine({ pageConnected: true, upstream: down, snapshot: undefined });
    expect(waiting).toEqual({ kind: "connecting", text: "Waiting for the ranking…" });
  });

  it("says when the ranking is catching up or stale", () => {
    expect(statusLine({ pageConnected: true, upstream: up, snapshot: snap({ catchingUp: true, recordsBehind: 7200 }) })).toEqual({
      kind: "catching-up",
      text: "The ranking is catching up: 7,200 RSVPs still to count.",
    });
    expect(statusLine({ pageConnected: true, upstream: up, snapshot: snap({ catchingUp: true, recordsBehind: 0 }) }).text).toBe(
      "The ranking is catching up.",
    );
    const stale = statusLine({ pageConnected: true, upstream: up, snapshot: snap({ stale: true, catchingUp: true }) });
    expect(stale.kind).toBe("stale");
    expect(stale.text).toMatch(/recovering/);
  });
});

describe("the page's words", () => {
  const p = { topN: 20, windowDays: 1, decay: 1, idleMinutes: 70, includeEventNames: false, clock: "event" };

  it("names the parameters and the ranking's time", () => {
    expect(parametersText(p)).toBe("top 20 · window 1 d · decay 1 · idle 70 min · event clock");
    expect(formatTime(Date.UTC(2017, 2, 18, 20, 15, 7))).toBe("2017-03-18 20:15 UTC");
  });

  it("explains the score for the ranking's parameters", () => {
    expect(scoreExplanation(p)).toBe(
      "A topic's score counts the people who said yes to an event of a Meetup group with this topic, guests included, " +
        "over the last 1 day; each hour's count is divided by its age in hours plus one, so this hour counts fully, " +
        'the previous hour half, the one before a third. A topic leaves the board after 70 minutes without a new yes. "Now" is the time of the newest RSVP.',
    );
    expect(scoreExplanation({ ...p, decay: 0, windowDays: 7 })).toMatch(/over the last 7 days; every hour counts the same\./);
    expect(scoreExplanation({ ...p, decay: 2, includeEventNames: true, clock: "processing" })).toMatch(
      /or an event of that name.*to the power 2.*"Now" is the clock\.$/,
    );
  });

  it("links a topic to its Meetup page where the key is a urlkey", () => {
    expect(topicUrl("software-development")).toBe("https://www.meetup.com/topics/software-development/");
    expect(topicUrl("英会話")).toBe("https://www.meetup.com/topics/%E8%8B%B1%E4%BC%9A%E8%A9%B1/");
    expect(topicUrl("Board Games")).toBeUndefined(); // a topic name, not a urlkey
    expect(topicUrl("event:Friday Drinks")).toBeUndefined();
    expect(topicUrl("a/b")).toBeUndefined();
    expect(topicUrl("\ud800")).toBeUndefined();
  });
});
