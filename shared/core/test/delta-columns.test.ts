import { describe, expect, it } from "vitest";
import { Coverage, DeltaColumns, hourOf, minuteOf, type PositionedDelta } from "../src/index.js";

const d = (partition: number, offset: number, key = `k${offset}`): PositionedDelta => {
  const mtime = 3_600_000 + offset * 60_000;
  return {
    key,
    name: key.toUpperCase(),
    hour: hourOf(mtime),
    minute: minuteOf(mtime),
    weight: offset % 2 === 0 ? 1 : -1,
    mtime,
    partition,
    offset,
  };
};

describe("DeltaColumns", () => {
  it("hands over the deltas inside a cut in arrival order and keeps the rest, in order, whole", () => {
    const all = [d(0, 5), d(1, 1), d(0, 2), d(1, 9), d(0, 7), d(1, 3)];
    const held = DeltaColumns.of(all);
    const taken: PositionedDelta[] = [];
    held.takeInside(
      new Coverage([
        { partition: 0, next: 6, clock: 0 },
        { partition: 1, next: 4, clock: 0 },
      ]),
      (from, i) => taken.push(from.at(i)),
    );
    expect(taken).toEqual([d(0, 5), d(1, 1), d(0, 2), d(1, 3)]);
    expect(held.length).toBe(2);
    expect(held.toArray()).toEqual([d(1, 9), d(0, 7)]);
    held.append(DeltaColumns.of([d(2, 0)]));
    held.takeInside(new Coverage([{ partition: 0, next: 8, clock: 0 }]), (from, i) => taken.push(from.at(i)));
    expect(taken.slice(4)).toEqual([d(0, 7)]);
    expect(held.toArray()).toEqual([d(1, 9), d(2, 0)]);
  });

  it("slices and appends ranges in order, each delta's hour and minute following from its mtime", () => {
    const all = [d(0, 1), d(0, 2), d(1, 3), d(1, 4), d(2, 5)];
    const c = DeltaColumns.of(all);
    expect(c.slice(1, 3).toArray()).toEqual([d(0, 2), d(1, 3)]);
    expect(c.slice(3, 99).toArray()).toEqual([d(1, 4), d(2, 5)]);
    const more = new DeltaColumns();
    more.append(c, 4);
    more.append(c, 0, 1);
    expect(more.toArray()).toEqual([d(2, 5), d(0, 1)]);
    expect(new DeltaColumns().toArray()).toEqual([]);
  });
});
