import { describe, expect, it } from "vitest";
import { keyOf, mtimeOf, ratePacer, speedupPacer, unpaced } from "../src/index.js";

const line = (id: unknown, mtime: unknown): string => JSON.stringify({ rsvp_id: id, mtime });

describe("pacing", () => {
  it("sends at once when unpaced, and every 1/rate seconds at a rate", () => {
    expect(unpaced.dueAt("x", 100)).toBe(0);
    const p = ratePacer(4);
    expect([0, 1, 2, 8].map((i) => p.dueAt("x", i))).toEqual([0, 250, 500, 2000]);
  });

  it("replays at N times the capture's pace, never going back, and sends lines without mtime at once", () => {
    const p = speedupPacer(10);
    expect(p.dueAt(line(1, 1_000_000), 0)).toBe(0);
    expect(p.dueAt(line(2, 1_010_000), 1)).toBe(1000);
    expect(p.dueAt("{broken", 2)).toBe(1000);
    expect(p.dueAt(line(3, 1_005_000), 3)).toBe(1000);
    expect(p.dueAt(line(4, 1_030_000), 4)).toBe(3000);
  });
});

describe("keyOf and mtimeOf", () => {
  it("key by rsvp_id when it parses, else no key", () => {
    expect(keyOf(line(42, 1))).toBe("42");
    expect(keyOf(line("77", 1))).toBe("77");
    expect(keyOf(line(-1, 1))).toBeNull();
    expect(keyOf("{oops")).toBeNull();
    expect(keyOf("[1]")).toBeNull();
    expect(mtimeOf(line(1, "123"))).toBe(123);
    expect(mtimeOf("null")).toBeUndefined();
  });
});
