import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fnv1a32, fnv1a32Bytes, rsvpShardOf, shardOf } from "../src/index.js";

function reference(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

describe("fnv1a32", () => {
  it("matches the published FNV-1a test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("hashes the UTF-8 bytes of any string, surrogates included", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => fnv1a32(s) === reference(s)));
    fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => fnv1a32(s) === reference(s)));
  });
});

describe("fnv1a32Bytes", () => {
  it("matches the test vectors, and fnv1a32 on a string's UTF-8", () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    expect(fnv1a32Bytes(utf8("foobar"))).toBe(0xbf9cf968);
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => fnv1a32Bytes(utf8(s)) === fnv1a32(s)));
  });

  it("hashes a range of the bytes as it hashes that range alone", () => {
    const b = new TextEncoder().encode("xxfoobarxx");
    expect(fnv1a32Bytes(b, 2, 8)).toBe(0xbf9cf968);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.nat(), (bytes, x, y) => {
        const [from, to] = [x % (bytes.length + 1), y % (bytes.length + 1)].sort((a, b2) => a - b2) as [number, number];
        return fnv1a32Bytes(bytes, from, to) === fnv1a32Bytes(bytes.subarray(from, to));
      }),
    );
  });
});

describe("shardOf", () => {
  it("is stable and in range", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 4096 }), (key, shards) => {
        const s = shardOf(key, shards);
        return s >= 0 && s < shards && Number.isInteger(s) && s === shardOf(key, shards);
      }),
    );
  });

  it("places an rsvp_id by its decimal form", () => {
    expect(rsvpShardOf(1658874230, 64)).toBe(shardOf("1658874230", 64));
  });

  it("spreads keys over shards", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(`topic-${i}`, 16)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
