/** The pure rules over a replica's shard states (shard-states.ts). */
import { describe, expect, it } from "vitest";
import { converged, isHolding, mayAct, watchOrTake, type HeldLease, type ShardState } from "../src/shard-states.js";

const lease = (renewedAt = 0): HeldLease => ({ rev: 1, epoch: 1, renewedAt });
const states = (entries: [number, ShardState][]): Map<number, ShardState> => new Map(entries);

describe("shard states", () => {
  it("a lease lets its holder act until the TTL minus the margin has passed since it was sent", () => {
    expect(mayAct(lease(1000), 4999, 6000, 2000)).toBe(true);
    expect(mayAct(lease(1000), 5000, 6000, 2000)).toBe(false);
  });

  it("another replica's lease is taken only after its entry stayed at one revision for a whole TTL", () => {
    const first = watchOrTake(undefined, 7, 100, 6000);
    expect(first).toEqual({ phase: "watching", rev: 7, since: 100 });
    expect(watchOrTake(first as ShardState, 7, 6099, 6000)).toBe(first);
    expect(watchOrTake(first as ShardState, 7, 6100, 6000)).toBe("take");
    // The entry moved (its owner renewed): the wait starts again.
    expect(watchOrTake(first as ShardState, 8, 6100, 6000)).toEqual({ phase: "watching", rev: 8, since: 6100 });
    // A state that was not watching (the shard was held here and lost) starts the wait too.
    expect(watchOrTake({ phase: "running", lease: lease() }, 7, 50, 6000)).toEqual({ phase: "watching", rev: 7, since: 50 });
  });

  it("holding means starting, running or handing over; watching is not holding", () => {
    expect(isHolding(undefined)).toBe(false);
    expect(isHolding({ phase: "watching", rev: 1, since: 0 })).toBe(false);
    for (const phase of ["starting", "running", "handing-over"] as const) expect(isHolding({ phase, lease: lease() })).toBe(true);
  });

  it("converged: exactly the desired shards running, nothing starting or handed over, not leaving", () => {
    const running: ShardState = { phase: "running", lease: lease() };
    const watching: ShardState = { phase: "watching", rev: 3, since: 0 };
    const starting: ShardState = { phase: "starting", lease: lease() };
    const handingOver: ShardState = { phase: "handing-over", lease: lease() };
    const cases: [string, ShardState[], boolean, boolean][] = [
      // [what, states of shards 1, 2, 3 ..., leaving, converged] with shards 1 and 2 desired
      ["both running, another watched", [running, running, watching], false, true],
      ["both running, but leaving", [running, running], true, false],
      ["one missing", [running], false, false],
      ["one more running", [running, running, running], false, false],
      ["one still starting", [running, starting], false, false],
      ["one being handed over", [running, running, handingOver], false, false],
      ["one only watched", [running, watching], false, false],
    ];
    for (const [what, list, leaving, want] of cases) {
      expect(converged(states(list.map((s, i) => [i + 1, s])), [1, 2], leaving), what).toBe(want);
    }
    expect(converged(states([]), [], false), "nothing desired, nothing held").toBe(true);
  });
});
