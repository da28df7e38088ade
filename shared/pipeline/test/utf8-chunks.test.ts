import { StringDecoder } from "node:string_decoder";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8Chunks } from "../src/index.js";

/** What a StringDecoder alone makes of the chunks: the reference. */
function decoded(chunks: readonly Buffer[]): string {
  const d = new StringDecoder("utf8");
  return chunks.map((c) => d.write(c)).join("") + d.end();
}

function fast(chunks: readonly (Buffer | Uint8Array)[]): string {
  const d = new Utf8Chunks();
  return chunks.map((c) => d.write(c)).join("") + d.end();
}

describe("Utf8Chunks", () => {
  it("gives the text of ASCII, multi-byte and string chunks", () => {
    const d = new Utf8Chunks();
    expect(d.write(Buffer.from("plain ascii\n"))).toBe("plain ascii\n");
    expect(d.write(Buffer.from("café €"))).toBe("café €");
    expect(d.write("already text")).toBe("already text");
    expect(d.write(new Uint8Array([0x61, 0x62]))).toBe("ab");
    expect(d.end()).toBe("");
  });

  it("completes a character split across chunks, even when the next chunk is ASCII", () => {
    const euro = Buffer.from("€", "utf8");
    expect(fast([Buffer.from("a"), euro.subarray(0, 2), euro.subarray(2), Buffer.from("b")])).toBe("a€b");
    // A lead byte and then plain ASCII: the decoder, not the ASCII path, must see the ASCII chunk.
    expect(fast([Buffer.from([0x61, 0xc3]), Buffer.from("bc")])).toBe(decoded([Buffer.from([0x61, 0xc3]), Buffer.from("bc")]));
    expect(fast([Buffer.from([0x61, 0xc3]), Buffer.from("bc")])).toBe("a\ufffdbc");
  });

  it("marks a character the input's end cut short, as a StringDecoder does", () => {
    const chunks = [Buffer.from("x"), Buffer.from([0xe2, 0x82])];
    expect(fast(chunks)).toBe(decoded(chunks));
    expect(fast(chunks)).toBe("x\ufffd");
  });

  it("equals a StringDecoder for any bytes cut into any chunks", () => {
    // Mostly ASCII (as input is), with multi-byte characters and arbitrary bytes between.
    const piece = fc.oneof(
      { weight: 6, arbitrary: fc.string({ maxLength: 12 }).map((s) => Buffer.from(s, "latin1").map((b) => b & 0x7f)) },
      { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }).map((s) => Buffer.from(s, "utf8")) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }) },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        const all = Buffer.concat(pieces.map((p) => Buffer.from(p)));
        const at = [...new Set(cuts.map((c) => (all.length === 0 ? 0 : c % (all.length + 1))))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let from = 0;
        for (const to of [...at, all.length]) {
          chunks.push(all.subarray(from, to));
          from = to;
        }
        expect(fast(chunks)).toBe(decoded(chunks));
      }),
      { numRuns: 2000 },
    );
  });
});
