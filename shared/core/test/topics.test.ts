import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractTopics, normalizeName } from "../src/index.js";

describe("normalizeName", () => {
  it.each([
    ["plain", "plain"],
    ["  padded  ", "padded"],
    ["a\tb", "a b"],
    ["a \n\t b", "a b"],
    ["a\u00a0b", "a b"],
    ["a  b", "a b"],
    ["a \u3000b", "a b"],
    ["caf\u00e9  bar", "caf\u00e9 bar"],
    ["one two", "one two"],
    ["", ""],
  ])("%j -> %j", (input, out) => {
    expect(normalizeName(input)).toBe(out);
  });

  it("is trim and collapse of every white-space run, for any string", () => {
    // Printable ASCII with spaces and tabs often, any other code unit sometimes.
    const unit = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom("a", "Z", "-", " ", " ", "\t") },
      { weight: 1, arbitrary: fc.constantFrom("\u00a0", "\u2028", "\ufeff", "\u3000", "\u00e9", "\n", "\x7f", "\x1f") },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 2 }) },
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }), (units) => {
        const s = units.join("");
        expect(normalizeName(s)).toBe(s.trim().replace(/\s+/g, " "));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("extractTopics", () => {
  const entry = (i: number) => ({ urlkey: `k${i % 23}`, topic_name: `Name ${i}` });

  it.each([3, 16, 17, 60])("keeps the first of each key among %i entries, in order", (n) => {
    const entries = Array.from({ length: n }, (_, i) => entry(i));
    const keys = [...new Set(entries.map((e) => e.urlkey))];
    const topics = extractTopics(entries, undefined, false);
    expect(topics.map((t) => t.key)).toEqual(keys);
    expect(topics.map((t) => t.name)).toEqual(keys.map((k) => `Name ${Number(k.slice(1))}`));
  });

  it("does not add an event name a group topic already carries as its key", () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ urlkey: i === 19 ? "event:Party" : `k${i}` }));
    for (const entries of [[{ urlkey: "event:Party" }], many]) {
      const topics = extractTopics(entries, { event_name: " Party " }, true);
      expect(topics.filter((t) => t.key === "event:Party")).toHaveLength(1);
    }
    expect(extractTopics([], { event_name: "Party" }, true)).toEqual([{ key: "event:Party", name: "Party" }]);
  });
});
