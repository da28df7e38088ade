import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeySets, VersionTable, type LiveVersion } from "../src/index.js";

describe("VersionTable", () => {
  it("behaves like a Map of live versions under any sequence of sets, deletes and sweeps", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("set" as const),
        id: fc.integer({ min: 1, max: 300 }),
        mtime: fc.integer({ min: 1, max: 1000 }),
        weight: fc.integer({ min: 1, max: 1001 }),
        keys: fc.option(fc.array(fc.constantFrom("js", "go", "hiking", "\ud800", "a:b", ""), { maxLength: 3 }), { nil: null }),
      }),
      fc.record({ kind: fc.constant("delete" as const), id: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ kind: fc.constant("sweep" as const), horizon: fc.integer({ min: 0, max: 1000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const t = new VersionTable(4);
        const m = new Map<number, LiveVersion>();
        for (const o of ops) {
          if (o.kind === "set") {
            const v = { mtime: o.mtime, weight: o.weight, keys: o.keys };
            t.set(o.id, v);
            m.set(o.id, v);
          } else if (o.kind === "delete") expect(t.delete(o.id)).toBe(m.delete(o.id));
          else {
            let n = 0;
            for (const [id, v] of m) if (v.mtime < o.horizon && m.delete(id)) n++;
            expect(t.deleteOlderThan(o.horizon)).toBe(n);
          }
        }
        expect(t.size).toBe(m.size);
        expect(new Map(t.entries())).toEqual(m);
        for (const [id, v] of m) expect(t.get(id)).toEqual(v);
        expect(t.get(301)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it("keeps one key set for the versions that share it, and frees it with the last of them", () => {
    const t = new VersionTable(undefined, new KeySets());
    for (let id = 1; id <= 1000; id++) t.set(id, { mtime: id, weight: 1, keys: ["js", "go"] });
    t.set(5000, { mtime: 1, weight: 1, keys: ["go", "js"] });
    expect(t.keySetCount).toBe(2);
    t.deleteOlderThan(2000);
    expect(t.keySetCount).toBe(0);
    expect(t.size).toBe(0);
  });

  it("holds rsvp_ids up to 2^53 - 1 apart", () => {
    const t = new VersionTable();
    const big = Number.MAX_SAFE_INTEGER;
    t.set(big, { mtime: 1, weight: 2, keys: null });
    t.set(big - 1, { mtime: 3, weight: 4, keys: ["x"] });
    t.set(2 ** 32, { mtime: 5, weight: 6, keys: null });
    expect(t.get(big)).toEqual({ mtime: 1, weight: 2, keys: null });
    expect(t.get(big - 1)).toEqual({ mtime: 3, weight: 4, keys: ["x"] });
    expect(t.get(2 ** 32)?.mtime).toBe(5);
    expect(t.get(1)).toBeUndefined();
  });

  it("looks a version up once and replaces it in its slot, taking topics as its key list", () => {
    const t = new VersionTable(undefined, new KeySets());
    const topics = [
      { key: "js", name: "JavaScript" },
      { key: "go", name: "Go" },
    ];
    expect(t.slotOf(7)).toBe(-1);
    t.put(7, -1, 100, 3, topics);
    const slot = t.slotOf(7);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect([t.mtimeAt(slot), t.weightAt(slot), t.keysAt(slot)]).toEqual([100, 3, ["js", "go"]]);
    // The same keys as strings are the same key set.
    t.set(8, { mtime: 1, weight: 1, keys: ["js", "go"] });
    expect(t.keySetCount).toBe(1);
    t.put(7, t.slotOf(7), 200, 70_000, null);
    expect(t.get(7)).toEqual({ mtime: 200, weight: 70_000, keys: null });
    expect(t.size).toBe(2);
    t.deleteAt(t.slotOf(8));
    expect([t.size, t.keySetCount, t.get(8)]).toEqual([1, 0, undefined]);
  });

  it("shares one pool of key sets between tables, each holding its own reference", () => {
    const pool = new KeySets();
    const a = new VersionTable(undefined, pool);
    const b = new VersionTable(undefined, pool);
    a.set(1, { mtime: 1, weight: 1, keys: ["js", "go"] });
    b.set(2, { mtime: 1, weight: 1, keys: ["js", "go"] });
    expect(pool.size).toBe(1);
    a.delete(1);
    expect(b.get(2)?.keys).toEqual(["js", "go"]);
    b.delete(2);
    expect(pool.size).toBe(0);
  });

  it("lets go of every key set it holds when cleared (its shard stopped)", () => {
    const pool = new KeySets();
    const kept = new VersionTable(undefined, pool);
    const dropped = new VersionTable(undefined, pool);
    kept.set(1, { mtime: 1, weight: 1, keys: ["js"] });
    for (let id = 1; id <= 3000; id++) dropped.set(id, { mtime: id, weight: 1, keys: id % 2 === 0 ? ["js"] : ["go", String(id % 7)] });
    expect(pool.size).toBe(8);
    dropped.clear();
    expect([dropped.size, dropped.get(2), pool.size, kept.get(1)?.keys]).toEqual([0, undefined, 1, ["js"]]);
    dropped.set(5, { mtime: 1, weight: 1, keys: ["go"] });
    expect([dropped.get(5)?.keys, pool.size]).toEqual([["go"], 2]);
  });

  it("finds a key set again after it was freed, whether its keys come as the same topic objects or as strings", () => {
    const pool = new KeySets();
    const t = new VersionTable(undefined, pool);
    const topics = [
      { key: "js", name: "JavaScript" },
      { key: "go", name: "Go" },
    ];
    t.put(1, -1, 1, 1, topics);
    t.deleteAt(t.slotOf(1));
    expect(pool.size).toBe(0);
    // The trie remembered its last step by these very objects; that step was pruned with the set.
    t.put(2, -1, 1, 1, topics);
    t.set(3, { mtime: 1, weight: 1, keys: ["js", "go"] });
    expect(pool.size).toBe(1);
    expect([t.get(2)?.keys, t.get(3)?.keys]).toEqual([
      ["js", "go"],
      ["js", "go"],
    ]);
  });
});
