import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { wtf8Decode, wtf8Encode } from "../src/index.js";

describe("WTF-8", () => {
  it("is UTF-8 for well-formed strings", () => {
    for (const s of ["", "a", "café", "日本語", "😀 emoji", "event:Monthly Meetup"]) {
      expect(Buffer.from(wtf8Encode(s)).equals(Buffer.from(s, "utf8"))).toBe(true);
      expect(wtf8Decode(wtf8Encode(s))).toBe(s);
    }
  });

  it("keeps lone surrogates apart (UTF-8 would turn both into U+FFFD)", () => {
    const hi = "\ud800";
    const lo = "\udc00";
    expect([...wtf8Encode(hi)]).toEqual([0xed, 0xa0, 0x80]);
    expect([...wtf8Encode(lo)]).toEqual([0xed, 0xb0, 0x80]);
    expect(wtf8Decode(wtf8Encode(hi))).toBe(hi);
    expect(wtf8Decode(wtf8Encode(lo))).toBe(lo);
    expect(wtf8Decode(wtf8Encode(`a${lo}${hi}b😀`))).toBe(`a${lo}${hi}b😀`);
  });

  it("round-trips any sequence of UTF-16 code units", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(wtf8Decode(wtf8Encode(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
