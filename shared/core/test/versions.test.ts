import { describe, expect, it } from "vitest";
import { VersionOutcome, VersionTracker, type Rsvp } from "../src/index.js";

const H = 3_600_000;
const T0 = 1_000 * H;
const rsvp = (over: Partial<Rsvp>): Rsvp => ({
  rsvpId: 1,
  mtime: T0,
  positive: true,
  guests: 0,
  topics: [{ key: "js", name: "JS" }],
  ...over,
});

describe("VersionTracker", () => {
  it("makes the first version live and adds its contribution", () => {
    const v = new VersionTracker(25 * H);
    const r = v.apply(rsvp({ guests: 2 }), T0, 2, 40);
    expect(r.outcome).toBe(VersionOutcome.New);
    expect(r.deltas).toEqual([{ key: "js", name: "JS", hour: 1000, minute: 60_000, weight: 3, mtime: T0, partition: 2, offset: 40 }]);
  });

  it("retracts the live version exactly when a newer one arrives, at the newer record's position", () => {
    const v = new VersionTracker(25 * H);
    v.apply(rsvp({ guests: 2 }), T0, 2, 40);
    const r = v.apply(rsvp({ mtime: T0 + 5, positive: false }), T0 + 5, 1, 7);
    expect(r.outcome).toBe(VersionOutcome.Updated);
    expect(r.deltas).toEqual([{ key: "js", name: "js", hour: 1000, minute: 60_000, weight: -3, mtime: T0, partition: 1, offset: 7 }]);
  });

  it("ignores equal and older mtimes", () => {
    const v = new VersionTracker(25 * H);
    v.apply(rsvp({}), T0);
    expect(v.apply(rsvp({ positive: false }), T0).outcome).toBe(VersionOutcome.Ignored);
    expect(v.apply(rsvp({ mtime: T0 - 1 }), T0).outcome).toBe(VersionOutcome.Ignored);
  });

  it("a non-positive version contributes nothing, and its successor retracts nothing", () => {
    const v = new VersionTracker(25 * H);
    expect(v.apply(rsvp({ positive: false }), T0).deltas).toEqual([]);
    expect(v.apply(rsvp({ mtime: T0 + 1 }), T0 + 1).deltas.map((d) => d.weight)).toEqual([1]);
  });

  it("does not keep versions already past the retention horizon", () => {
    const v = new VersionTracker(25 * H);
    expect(v.apply(rsvp({ mtime: T0 - 26 * H }), T0).outcome).toBe(VersionOutcome.Expired);
    expect(v.size).toBe(0);
  });

  it("forgets old versions, so state stays bounded", () => {
    const v = new VersionTracker(25 * H);
    for (let i = 1; i <= 100; i++) v.apply(rsvp({ rsvpId: i, mtime: T0 + i }), T0 + i);
    expect(v.size).toBe(100);
    expect(v.forget(T0 + 24 * H)).toBe(0);
    expect(v.forget(T0 + 26 * H)).toBe(100);
    expect(v.size).toBe(0);
  });
});
