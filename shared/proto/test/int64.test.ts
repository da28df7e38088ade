import fc from "fast-check";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, NumberInt64Reader, NumberInt64Writer, pipeline as pb } from "../src/index.js";

const bytesOf = (w: BinaryWriter, values: readonly (number | bigint | string)[]): Uint8Array => {
  for (const v of values) w.int64(v);
  return w.finish();
};
const unsignedBytesOf = (w: BinaryWriter, values: readonly (number | bigint | string)[]): Uint8Array => {
  for (const v of values) w.uint64(v);
  return w.finish();
};
/** What the generated decoders make of an int64 (their `longToNumber`: through a string). */
const asNumber = (v: unknown): number => Number(String(v));
const readAll = (r: BinaryReader, n: number): number[] => Array.from({ length: n }, () => asNumber(r.int64()));

const EDGES = [0, 1, 127, 128, 2 ** 14, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 1_714_521_600_009, 2 ** 49 - 1, 2 ** 49];
const EDGES_BEYOND = [Number.MAX_SAFE_INTEGER, -1, -(2 ** 32), Number.MIN_SAFE_INTEGER];

describe("int64 as numbers", () => {
  it("writes the library's bytes, for numbers, bigints and strings", () => {
    const values = [...EDGES, ...EDGES_BEYOND, 5n, -7n, 2n ** 60n, "42", "-42"];
    expect(bytesOf(new NumberInt64Writer(), values)).toEqual(bytesOf(new BinaryWriter(), values));
  });

  it("reads the values the library reads, leaving negative and larger ones to it", () => {
    const values = [...EDGES, ...EDGES_BEYOND];
    const bytes = bytesOf(new BinaryWriter(), values);
    expect(readAll(new NumberInt64Reader(bytes), values.length)).toEqual(readAll(new BinaryReader(bytes), values.length));
    expect(readAll(new NumberInt64Reader(bytes), values.length)).toEqual(values);
    // 2^53 and beyond: the library's value (the generated code then refuses it as unsafe).
    const big = bytesOf(new BinaryWriter(), [2n ** 53n, 2n ** 63n - 1n]);
    const r = new NumberInt64Reader(big);
    expect([r.int64(), r.int64()]).toEqual([2n ** 53n, 2n ** 63n - 1n]);
  });

  it("agrees with the library on any safe integer, both ways", () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger(), { maxLength: 20 }), (values) => {
        const mine = bytesOf(new NumberInt64Writer(), values);
        expect(mine).toEqual(bytesOf(new BinaryWriter(), values));
        expect(readAll(new NumberInt64Reader(mine), values.length)).toEqual(values);
      }),
      { numRuns: 500 },
    );
  });

  it("does the same for uint64", () => {
    const values = [...EDGES, Number.MAX_SAFE_INTEGER, 2n ** 64n - 1n, "9"];
    const bytes = unsignedBytesOf(new BinaryWriter(), values);
    expect(unsignedBytesOf(new NumberInt64Writer(), values)).toEqual(bytes);
    const mine = new NumberInt64Reader(bytes);
    const theirs = new BinaryReader(bytes);
    for (let i = 0; i < values.length; i++) expect(String(mine.uint64())).toBe(String(theirs.uint64()));
  });

  it("fails on a cut-off varint as the library does", () => {
    const bytes = bytesOf(new BinaryWriter(), [1_714_521_600_009]).subarray(0, 3);
    expect(() => new NumberInt64Reader(bytes).int64()).toThrow(/premature EOF|invalid varint|out of range/i);
  });

  it("decodes a generated message to what the library decodes", () => {
    const m: pb.DedupSnapshot = {
      seq: 2 ** 40 + 3,
      sent: [0, 17, 2 ** 33],
      clock: 1_714_521_600_009,
      coverage: [{ partition: 3, nextOffset: 2 ** 36, clock: 1_714_521_600_123 }],
      versions: [{ rsvpId: 2 ** 52 + 1, mtime: 1_714_521_600_009, weight: 3, keys: [new Uint8Array([104, 105])], contributes: true }],
    };
    const bytes = encodeMessage(pb.DedupSnapshot, m);
    expect(bytes).toEqual(pb.DedupSnapshot.encode(m, new BinaryWriter()).finish());
    expect(decodeMessage(pb.DedupSnapshot, bytes)).toEqual(pb.DedupSnapshot.decode(bytes));
    expect(decodeMessage(pb.DedupSnapshot, bytes)).toEqual(m);
  });
});
