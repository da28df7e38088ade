import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownerOf, shardsOf } from "../src/index.js";

const ids = fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{3,20}$/), { minLength: 1, maxLength: 6 });

describe("rendezvous assignment", () => {
  it("gives every shard exactly one owner among the members", () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 64 }), (members, shards) => {
        const all = members.flatMap((m) => shardsOf(m, members, shards)).sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: shards }, (_, i) => i));
      }),
    );
  });

  it("moves only the shards of a member that joins or leaves", () => {
    fc.assert(
      fc.property(ids, fc.stringMatching(/^[a-z0-9-]{3,20}$/), (members, extra) => {
        fc.pre(!members.includes(extra));
        const grown = [...members, extra];
        for (let s = 0; s < 32; s++) {
          const before = ownerOf(s, members);
          const after = ownerOf(s, grown);
          expect(after === before || after === extra).toBe(true);
        }
      }),
    );
  });

  it("spreads shards evenly over replicas with similar names", () => {
    const members = ["counter-7f9c2a", "counter-7f9c2b", "counter-7f9c2c"];
    for (const m of members) {
      const n = shardsOf(m, members, 96).length;
      expect(n).toBeGreaterThan(20);
      expect(n).toBeLessThan(44);
    }
  });
});
