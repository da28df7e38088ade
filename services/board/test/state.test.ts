import { describe, expect, it } from "vitest";
import type { TrendingSnapshot } from "@meetuphype/proto";
import { BoardState, Fanout, type Sink } from "../src/index.js";

const MIN = 60_000;
const snap = (minute: number, stale = false): TrendingSnapshot => ({
  asOfMs: minute * MIN,
  topics: [{ rank: 1, key: "a", name: "A", score: minute, keyWtf8: Buffer.alloc(0) }],
  stale,
  catchingUp: false,
  pendingMessages: 0,
  recordsBehind: 0,
  cut: [],
  parameters: undefined,
});

class Recorder implements Sink {
  readonly events: string[] = [];
  write(chunk: Uint8Array): boolean {
    this.events.push(Buffer.from(chunk).toString().split("\n")[0] ?? "");
    return true;
  }
  once(): void {}
}

describe("the board's state", () => {
  it("is ready with a connected upstream and a ranking, and tells viewers of each change once", () => {
    const fanout = new Fanout(10);
    const viewer = new Recorder();
    fanout.add(viewer);
    const state = new BoardState(fanout, 0);
    expect(state.ready).toBe(false);
    state.setUpstream({ connected: true, since: 1 });
    state.setUpstream({ connected: true, since: 2 }); // no change: no event
    state.setSnapshot(snap(10));
    expect(state.ready).toBe(true);
    state.setUpstream({ connected: false, since: 3, reason: "gone" });
    expect(state.ready).toBe(false);
    expect(viewer.events).toEqual(["event: upstream", "event: snapshot", "event: upstream"]);
  });

  it("records complete rankings in its history, not stale ones, and merges the upstream's history on connect", () => {
    const state = new BoardState(new Fanout(1), 0);
    state.setSnapshot(snap(10));
    state.setSnapshot(snap(11, true));
    state.setSnapshot(snap(12));
    expect(state.history.list().map((p) => p.asOfMs / MIN)).toEqual([10, 12]);
    const upstream = [5, 6, 7].map((m) => ({ asOfMs: m * MIN, topics: [{ key: "a", name: "A", score: m }] }));
    state.replaceHistory({ resolutionMs: MIN, horizonMs: 180 * MIN, points: upstream });
    expect(state.historyJson().points.map((p) => p.asOfMs / MIN)).toEqual([5, 6, 7, 10, 12]);
    expect(state.historyJson().horizonMs).toBe(180 * MIN);
  });
});
