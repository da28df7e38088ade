import { describe, expect, it } from "vitest";
import { encodeMessage, pipeline as pb } from "../src/index.js";

const notice = (sent: number[]): pb.CoverageNotice => ({ shard: 3, epoch: 7, coverage: [], sent, bundled: [] });

describe("encodeMessage", () => {
  it("gives the bytes a fresh writer gives, message after message, small after large", () => {
    for (const m of [notice([1, 2, 3]), notice(Array.from({ length: 5000 }, (_, i) => i * 1000)), notice([9])]) {
      const bytes = encodeMessage(pb.CoverageNotice, m);
      expect(Buffer.from(bytes)).toEqual(Buffer.from(pb.CoverageNotice.encode(m).finish()));
      expect(pb.CoverageNotice.decode(bytes)).toEqual(m);
    }
  });

  it("returns a copy that the next message does not overwrite", () => {
    const first = encodeMessage(pb.CoverageNotice, notice([1, 2, 3]));
    const copy = Buffer.from(first);
    encodeMessage(pb.CoverageNotice, notice([4, 5, 6]));
    expect(Buffer.from(first)).toEqual(copy);
  });

  it("leaves nothing of a message whose encoding failed in the next one", () => {
    // A uint32 field cannot hold -1: the writer throws with the shard half written.
    expect(() => encodeMessage(pb.CoverageNotice, notice([1, -1]))).toThrow();
    const m = notice([4]);
    expect(pb.CoverageNotice.decode(encodeMessage(pb.CoverageNotice, m))).toEqual(m);
  });
});
