import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { coveredBy, HURRY_GAP_MS, nextRoundIn, RoundPace } from "../src/round-pace.js";

describe("nextRoundIn", () => {
  it("waits the interval from the last round's start, or the short gap once hurried", () => {
    expect(nextRoundIn(1000, 5000, 5200, false)).toBe(800);
    expect(nextRoundIn(1000, 5000, 5030, true)).toBe(HURRY_GAP_MS - 30);
    expect(nextRoundIn(1000, 5000, 5300, true)).toBe(0);
    expect(nextRoundIn(1000, 5000, 7000, false)).toBe(0);
    // An interval shorter than the gap is kept.
    expect(nextRoundIn(50, 5000, 5010, true)).toBe(40);
  });
});

describe("coveredBy", () => {
  it("counts the records a cut covers over its partitions", () => {
    expect(coveredBy([{ next: 5 }, { next: 7 }])).toBe(12);
    expect(coveredBy([])).toBe(0);
    expect(coveredBy(undefined)).toBe(0);
  });
});

describe("RoundPace", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const dueAt = async (pace: RoundPace, signal: AbortSignal, act: () => void = () => undefined): Promise<number> => {
    let at = -1;
    void pace.due(signal).then(() => (at = Date.now()));
    act();
    await vi.advanceTimersByTimeAsync(5000);
    return at;
  };

  it("is due an interval after the round began when nothing hurries it", async () => {
    const pace = new RoundPace(1000);
    vi.setSystemTime(200);
    pace.began();
    expect(await dueAt(pace, new AbortController().signal)).toBe(1200);
  });

  it("is due the short gap after the round began once a round completes catching up with its cut moved, even while it waits", async () => {
    const pace = new RoundPace(1000);
    pace.began();
    let at = -1;
    void pace.due(new AbortController().signal).then(() => (at = Date.now()));
    await vi.advanceTimersByTimeAsync(300); // the round completed late, catching up
    pace.completed(true, 500);
    await vi.advanceTimersByTimeAsync(0);
    expect(at).toBe(300);
    // The next round begins and completes at once, further on: it waits out the gap.
    pace.began();
    pace.completed(true, 900);
    expect(await dueAt(pace, new AbortController().signal)).toBe(300 + HURRY_GAP_MS);
    // Beginning a round forgets the hurry: the next one is an interval away again.
    const began = Date.now();
    pace.began();
    expect(await dueAt(pace, new AbortController().signal)).toBe(began + 1000);
  });

  it("keeps the interval when the ranking is not catching up, or when its cut stood for an interval", async () => {
    const pace = new RoundPace(1000);
    let began = Date.now();
    pace.began();
    // Caught up, cut moving (a steady stream).
    expect(await dueAt(pace, new AbortController().signal, () => pace.completed(false, 100))).toBe(began + 1000);
    // Catching up, the cut moved just now.
    pace.completed(true, 200);
    began = Date.now();
    pace.began();
    // A round that finds the same cut soon after (coverage moves by batches) still hurries.
    vi.advanceTimersByTime(40);
    pace.completed(true, 200);
    expect(await dueAt(pace, new AbortController().signal)).toBe(began + HURRY_GAP_MS);
    // The cut stood for an interval (counters stalled, or Kafka's end offsets unreadable): the interval again.
    began = Date.now();
    pace.began();
    expect(await dueAt(pace, new AbortController().signal, () => pace.completed(true, 200))).toBe(began + 1000);
    // An older cut answered late does not count as moving either.
    began = Date.now();
    pace.began();
    expect(await dueAt(pace, new AbortController().signal, () => pace.completed(true, 150))).toBe(began + 1000);
  });

  it("stops waiting when its signal aborts", async () => {
    const pace = new RoundPace(1000);
    pace.began();
    const stop = new AbortController();
    expect(await dueAt(pace, stop.signal, () => stop.abort())).toBe(0);
  });
});
