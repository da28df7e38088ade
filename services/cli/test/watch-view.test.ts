import { describe, expect, it } from "vitest";
import type { ServedSnapshot } from "@meetuphype/grpc";
import { consoleView } from "../src/commands/watch.js";

const snap = (names: string[], over: Partial<ServedSnapshot> = {}): ServedSnapshot => ({
  asOfMs: 1_000,
  topics: names.map((name, i) => ({ rank: i + 1, key: name.toLowerCase(), name, score: 10 - i })),
  ...over,
});

describe("watch's console view", () => {
  it("changes when the ranking's names or its caveat change, not when only scores or the clock move", () => {
    const base = consoleView(snap(["Rust", "Go"]));
    expect(consoleView(snap(["Rust", "Go"], { asOfMs: 61_000 }))).toBe(base);
    expect(consoleView({ ...snap(["Rust", "Go"]), topics: snap(["Rust", "Go"]).topics.map((t) => ({ ...t, score: t.score * 3 })) })).toBe(
      base,
    );
    expect(consoleView(snap(["Go", "Rust"]))).not.toBe(base);
    expect(consoleView(snap(["Rust"]))).not.toBe(base);
    expect(consoleView(snap(["Rust", "Go"], { stale: true }))).not.toBe(base);
    expect(consoleView(snap(["Rust", "Go"], { catchingUp: true, recordsBehind: 5 }))).not.toBe(base);
  });
});
