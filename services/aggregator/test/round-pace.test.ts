import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { coveredBy, EARLY, HURRY_GAP_MS, nextRoundIn, RoundPace, SETTLE_MS } from "../src/round-pace.js";

describe("nextRoundIn", () => {
  const idle = { intervalMs: 1000, startedAt: 5000, hurried: false, stepAt: -Infinity };

  it("waits the interval from the last round's start, or the short gap once hurried", () => {
    expect(nextRoundIn({ ...idle, now: 5200 })).toBe(800);
    expect(nextRoundIn({ ...idle, now: 5030, hurried: true })).toBe(HURRY_GAP_MS - 30);
    expect(nextRoundIn({ ...idle, now: 5300, hurried: true })).toBe(0);
    expect(nextRoundIn({ ...idle, now: 7000 })).toBe(0);
    // An interval shorter than the gap is kept.
    expect(nextRoundIn({ ...idle, intervalMs: 50, now: 5010, hurried: true })).toBe(40);
  });

  it("while the input flows, begins a round SETTLE_MS after a step from a quarter interval early on", () => {
    const early = 5000 + 1000 * (1 - EARLY);
    // A step at the interval's end, or in its last quarter: the round follows it.
    expect(nextRoundIn({ ...idle, now: 6300, stepAt: 6300 })).toBe(SETTLE_MS);
    expect(nextRoundIn({ ...idle, now: early, stepAt: early })).toBe(SETTLE_MS);
    expect(nextRoundIn({ ...idle, now: 6000, stepAt: 6000 - SETTLE_MS })).toBe(0);
    // A step before that: the round waits for the next step, until half an interval after the interval's end.
    expect(nextRoundIn({ ...idle, now: 5100, stepAt: 5100 })).toBe(1400);
    expect(nextRoundIn({ ...idle, now: early, stepAt: early - SETTLE_MS - 1 })).toBe(6500 - early);
    expect(nextRoundIn({ ...idle, now: 6000, stepAt: 4500 })).toBe(500);
    // The input idle for an interval before the round began: no waiting for a step.
    expect(nextRoundIn({ ...idle, now: 6000, stepAt: 3900 })).toBe(0);
    // Catching up, rounds go back to back whatever the steps.
    expect(nextRoundIn({ ...idle, now: 5100, hurried: true, stepAt: 5000 })).toBe(0);
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

  it("follows the input's steps: it waits for a step, up to half an interval past the interval, and begins SETTLE_MS after it", async () => {
    const pace = new RoundPace(100);
    pace.began();
    // A step early in the interval: the round waits for the next one, which wakes it in the last quarter,
    // before the interval is out.
    vi.setSystemTime(30);
    pace.stepped();
    let at = -1;
    void pace.due(new AbortController().signal).then(() => (at = Date.now()));
    await vi.advanceTimersByTimeAsync(50);
    expect(at).toBe(-1);
    pace.stepped(); // at 80
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(at).toBe(80 + SETTLE_MS);
    // The next round: a step, then another a moment later (the same batch in another partition), push it back.
    pace.began();
    at = -1;
    void pace.due(new AbortController().signal).then(() => (at = Date.now()));
    await vi.advanceTimersByTimeAsync(90);
    pace.stepped();
    await vi.advanceTimersByTimeAsync(SETTLE_MS - 1);
    pace.stepped();
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(at).toBe(90 + 90 + SETTLE_MS - 1 + SETTLE_MS);
    // No step comes: half an interval past the interval at most.
    pace.began();
    expect(await dueAt(pace, new AbortController().signal)).toBe(at + 150);
    // Idle for an interval: the interval alone.
    const began = Date.now();
    pace.began();
    expect(await dueAt(pace, new AbortController().signal)).toBe(began + 100);
  });

  it("stops waiting when its signal aborts", async () => {
    const pace = new RoundPace(1000);
    pace.began();
    const stop = new AbortController();
    expect(await dueAt(pace, stop.signal, () => stop.abort())).toBe(0);
  });
});
