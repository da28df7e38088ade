import { describe, expect, it } from "vitest";
import { Coverage } from "@meetuphype/core";
import { HeldDeltas } from "../src/stages/held-deltas.js";
import type { PositionedDelta } from "../src/index.js";

const d = (partition: number, offset: number, key = `k${offset}`): PositionedDelta => ({
  key,
  name: key.toUpperCase(),
  hour: 1,
  minute: 60 + offset,
  weight: offset % 2 === 0 ? 1 : -1,
  mtime: 3_600_000 + offset,
  partition,
  offset,
});

describe("HeldDeltas", () => {
  it("hands over the deltas inside a cut in arrival order and keeps the rest, in order, whole", () => {
    const all = [d(0, 5), d(1, 1), d(0, 2), d(1, 9), d(0, 7), d(1, 3)];
    const held = new HeldDeltas(all);
    const taken: PositionedDelta[] = [];
    held.takeInside(
      new Coverage([
        { partition: 0, next: 6, clock: 0 },
        { partition: 1, next: 4, clock: 0 },
      ]),
      (x) => taken.push(x),
    );
    expect(taken).toEqual([d(0, 5), d(1, 1), d(0, 2), d(1, 3)]);
    expect(held.length).toBe(2);
    expect(held.toArray()).toEqual([d(1, 9), d(0, 7)]);
    held.push(d(2, 0));
    held.takeInside(new Coverage([{ partition: 0, next: 8, clock: 0 }]), (x) => taken.push(x));
    expect(taken.slice(4)).toEqual([d(0, 7)]);
    expect(held.toArray()).toEqual([d(1, 9), d(2, 0)]);
  });
});
