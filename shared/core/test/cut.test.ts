import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { clockOf, Coverage, covers, join, meet, recordsBehind, sameCut, type Mark } from "../src/index.js";

const m = (partition: number, next: number, clock = next * 10) => ({ partition, next, clock });

describe("cuts and coverage", () => {
  it("a coverage only grows, per partition, and keeps the clock of the furthest mark", () => {
    const c = new Coverage();
    expect(c.advance(m(0, 5))).toBe(true);
    expect(c.advance(m(0, 3))).toBe(false);
    expect(c.advance(m(0, 5, 999))).toBe(false);
    expect(c.advance(m(1, 0))).toBe(false);
    c.advanceAll([m(1, 2), m(0, 7)]);
    expect(c.marksList).toEqual([m(0, 7), m(1, 2)]);
    expect(c.includes(0, 6)).toBe(true);
    expect(c.includes(0, 7)).toBe(false);
    expect(c.includes(3, 0)).toBe(false);
  });

  it("the meet is the least per partition; a partition some coverage lacks, or a missing coverage, is not covered", () => {
    expect(
      meet([
        [m(0, 5), m(1, 9)],
        [m(0, 7), m(1, 4)],
      ]),
    ).toEqual([m(0, 5), m(1, 4)]);
    expect(meet([[m(0, 5), m(1, 9)], [m(0, 7)]])).toEqual([m(0, 5)]);
    expect(meet([[m(0, 5)]], 2)).toEqual([]);
    expect(meet([])).toEqual([]);
  });

  it("join, covers, sameCut and the cut's clock", () => {
    expect(join([m(0, 5), m(1, 1)], [m(0, 3), m(2, 4)])).toEqual([m(0, 5), m(1, 1), m(2, 4)]);
    expect(covers([m(0, 5)], [m(0, 5)])).toBe(true);
    expect(covers([m(0, 5)], [m(0, 6)])).toBe(false);
    expect(covers([m(0, 5)], [m(1, 1)])).toBe(false);
    expect(covers([m(0, 5)], [])).toBe(true);
    expect(sameCut([m(0, 5), m(1, 2)], [m(1, 2), m(0, 5)])).toBe(true);
    expect(sameCut([m(0, 5)], [m(0, 5), m(1, 1)])).toBe(false);
    expect(clockOf([m(0, 5, 70), m(1, 2, 90)])).toBe(90);
    expect(clockOf([])).toBe(0);
  });

  it("records behind the input's end offsets", () => {
    const ends = new Map([
      [0, 10],
      [1, 4],
      [2, 0],
    ]);
    expect(recordsBehind([m(0, 7), m(1, 4)], ends)).toBe(3);
    expect(recordsBehind([], ends)).toBe(14);
  });

  // Marks in partition order are walked side by side; any other order goes through maps. Both must agree.
  const marks = fc
    .uniqueArray(fc.record({ partition: fc.integer({ min: 0, max: 7 }), next: fc.integer({ min: 0, max: 20 }), clock: fc.nat(1000) }), {
      selector: (x) => x.partition,
      maxLength: 8,
    })
    .map((ms): Mark[] => [...ms].sort((x, y) => x.partition - y.partition));
  const shuffled = (ms: readonly Mark[], seed: number): Mark[] =>
    [...ms].sort((x, y) => ((x.partition * seed) % 7) - ((y.partition * seed) % 7) || y.partition - x.partition);

  it("the meet and covers give the same answers on marks in partition order as on the same marks in any order", () => {
    fc.assert(
      fc.property(fc.array(marks, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 13 }), (cs, seed) => {
        expect(meet(cs)).toEqual(meet(cs.map((c) => shuffled(c, seed))));
        expect(meet(cs, cs.length + 1)).toEqual([]);
        const [a = [], b = []] = cs;
        expect(covers(a, b)).toBe(covers(shuffled(a, seed), shuffled(b, seed)));
        expect(covers(a, meet(cs))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
