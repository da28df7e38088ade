import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wtf8Decode, wtf8Encode } from "@meetuphype/core";
import { WireStrings } from "../src/wire-strings.js";

describe("WireStrings", () => {
  it("gives back every string from its bytes, lone surrogates included", () => {
    const w = new WireStrings();
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 20 }), (list) => {
        for (const s of list) expect(w.str(w.bin(s))).toBe(s);
        for (const s of list) expect(w.str(wtf8Encode(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
    expect(w.str(wtf8Encode("\ud800"))).not.toBe(w.str(wtf8Encode("\udc00")));
  });

  it("tells apart bytes whose hashes collide", () => {
    const w = new WireStrings(100, () => 7);
    const words = ["a", "b", "ab", "", "b", "a", "ba"];
    for (const s of words) expect(w.str(new TextEncoder().encode(s))).toBe(s);
  });

  it("keeps its own copy of bytes that were a view into a message", () => {
    // One hash for all: what is remembered is found by its bytes alone.
    const w = new WireStrings(100, () => 7);
    const message = new TextEncoder().encode("xxsciencexx");
    expect(w.str(message.subarray(2, 9))).toBe("science");
    message.set(new TextEncoder().encode("cooking"), 2); // the buffer is reused for the next message
    expect(w.str(message.subarray(2, 9))).toBe("cooking");
    expect(w.str(new TextEncoder().encode("science"))).toBe("science");
  });

  it("keeps a copy of bytes that were a view into a Buffer (whose slice is a view too)", () => {
    const w = new WireStrings(100, () => 7);
    const message = Buffer.from("xxsciencexx"); // NATS hands payloads over as Buffers
    expect(w.str(message.subarray(2, 9))).toBe("science");
    message.write("cooking", 2);
    expect(w.str(message.subarray(2, 9))).toBe("cooking");
  });

  it("starts over past its limit and stays right", () => {
    const w = new WireStrings(3);
    const words = Array.from({ length: 10 }, (_, i) => `topic-${i}`);
    for (let round = 0; round < 3; round++) for (const s of words) expect(w.str(w.bin(s))).toBe(wtf8Decode(wtf8Encode(s)));
  });
});
