import { describe, expect, it } from "vitest";
import type { ServedSnapshot } from "@meetuphype/grpc";
import { unflaggedWaits, viewsOf, type EndsSeen } from "./faults/served-cuts.js";

const snap = (next: number, flags: Partial<Pick<ServedSnapshot, "stale" | "catchingUp">> = {}): ServedSnapshot =>
  ({ topics: [], asOfMs: 0, cut: [{ topic: "t", partition: 0, next }], ...flags }) as unknown as ServedSnapshot;
const ends = (at: number, end: number): EndsSeen => ({ at, ends: new Map([[0, end]]) });

describe("unflaggedWaits (the HA test's rule for the flags of what was served)", () => {
  const seen = [ends(0, 100), ends(5_000, 300)];

  it("names a ranking that stood unflagged while records had waited longer than the grace", () => {
    const views = viewsOf([{ snap: snap(100), at: 1_000 }], 15_000);
    expect(unflaggedWaits(views, seen, 8_000)).toEqual([
      "snapshot 0 stood 14.0 s unflagged with 200 records waiting for 10.0 s or more (from 1970-01-01T00:00:01.000Z; " +
        "it said 0 records behind; cut 0:100; ends read at 1970-01-01T00:00:05.000Z: 0:300)",
    ]);
  });

  it("accepts the same ranking flagged catching up or stale, or replaced within the grace", () => {
    expect(unflaggedWaits(viewsOf([{ snap: snap(100, { catchingUp: true }), at: 1_000 }], 15_000), seen, 8_000)).toEqual([]);
    expect(unflaggedWaits(viewsOf([{ snap: snap(100, { stale: true }), at: 1_000 }], 15_000), seen, 8_000)).toEqual([]);
    const replaced = viewsOf(
      [
        { snap: snap(100), at: 1_000 },
        { snap: snap(300), at: 9_000 },
      ],
      15_000,
    );
    expect(unflaggedWaits(replaced, seen, 8_000)).toEqual([]);
  });

  it("does not judge a view when no end offsets were read long enough before it ended", () => {
    expect(unflaggedWaits(viewsOf([{ snap: snap(0), at: 0 }], 7_000), seen, 8_000)).toEqual([]);
  });
});
