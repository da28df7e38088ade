import { describe, expect, it } from "vitest";
import { foldRepeats, lineShape, logTail } from "../src/log-tail.js";

const warn = (t: string, subject: number, attempt: number): string =>
  `2026-12-06T00:13:${t}Z warn publish to p.dedup.${subject} failed; retrying attempt=${attempt}`;

describe("log tails for failing tests", () => {
  it("gives lines that differ in time and numbers one shape, and others another", () => {
    expect(lineShape(warn("39.380", 3, 2))).toBe(lineShape(warn("41.001", 14, 3)));
    expect(lineShape(warn("39.380", 3, 2))).not.toBe(lineShape("2026-12-06T00:13:44.096Z warn storing the clock failed"));
  });

  it("folds a run of one shape into its first line and a count with the last time", () => {
    const lines = ["started", warn("39.380", 3, 2), warn("39.381", 13, 2), warn("39.382", 0, 2), "done"];
    expect(foldRepeats(lines)).toEqual([
      "started",
      warn("39.380", 3, 2),
      "  (… 2 more like it, the last at 2026-12-06T00:13:39.382Z)",
      "done",
    ]);
  });

  it("keeps lines that only repeat apart from each other", () => {
    const lines = [warn("39.380", 3, 2), "other", warn("39.381", 4, 2)];
    expect(foldRepeats(lines)).toEqual(lines);
  });

  it("takes the last n lines after folding, without the trailing empty line", () => {
    const text = ["a", ...Array.from({ length: 50 }, (_, i) => warn("39.380", i, 2)), "b", "c", ""].join("\n");
    expect(logTail(text, 4).split("\n")).toEqual([
      warn("39.380", 0, 2),
      "  (… 49 more like it, the last at 2026-12-06T00:13:39.380Z)",
      "b",
      "c",
    ]);
  });
});
