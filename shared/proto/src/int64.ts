/**
 * int64 fields read and written as JavaScript numbers, without BigInt. The generated code
 * (ts-proto, `forceLong=number`) reads an int64 through @bufbuild/protobuf's reader as a BigInt,
 * turns it into a string and the string into a number, and writes one by parsing the number into
 * a BigInt: about 0.3 µs to read a value and 0.14 µs to write one, which was most of what a
 * counter spent decoding its deltas (two int64 a delta) and much of dedup's encoding. This reader
 * and writer take every value a number holds exactly (0 ≤ v < 2^53: ids, times, offsets, clocks)
 * by arithmetic on the varint, and leave anything else (negative, larger, malformed) to the
 * library as before. The bytes and values are the library's (test/int64.test.ts compares them).
 */
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

const TWO_32 = 2 ** 32;
/** A varint of a value below 2^53 is at most this long (8 × 7 = 56 bits). */
const MAX_NUMBER_VARINT = 8;

export class NumberInt64Reader extends BinaryReader {
  private readonly data: Uint8Array;

  constructor(buf: Uint8Array) {
    super(buf);
    this.data = buf;
  }

  /**
   * The value as a number when it is a safe non-negative integer. The generated decoders pass it
   * to their `longToNumber`, which takes anything with `toString()`: a number passes through it
   * unchanged; the declared type is the base class's.
   */
  override int64(): bigint | string {
    return this.safeVarint() ?? super.int64();
  }

  /** As `int64`: the varint of a safe non-negative integer is the same for both. */
  override uint64(): bigint | string {
    return this.safeVarint() ?? super.uint64();
  }

  /** The varint at the position when it holds a safe integer (then read), else undefined (nothing read). */
  private safeVarint(): bigint | undefined {
    const b = this.data;
    let pos = this.pos;
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_NUMBER_VARINT && pos < this.len; i++) {
      const c = b[pos++]!;
      v += (c & 0x7f) * scale;
      if (c < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) break;
        this.pos = pos;
        return v as unknown as bigint;
      }
      scale *= 128;
    }
    return undefined;
  }
}

const isSafeCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** One buffer per varint length (5 to 8 bytes: values from 2^32 to 2^53), reused: writes are synchronous. */
const LONG_VARINTS = Array.from({ length: MAX_NUMBER_VARINT + 1 }, (_, n) => new Uint8Array(n));

export class NumberInt64Writer extends BinaryWriter {
  override int64(value: string | number | bigint): this {
    return isSafeCount(value) ? this.safeVarint(value) : super.int64(value);
  }

  override uint64(value: string | number | bigint): this {
    return isSafeCount(value) ? this.safeVarint(value) : super.uint64(value);
  }

  private safeVarint(value: number): this {
    if (value < TWO_32) return this.uint32(value);
    let n = 1;
    for (let v = value; v >= 128; v = Math.floor(v / 128)) n++;
    const out = LONG_VARINTS[n]!;
    let v = value;
    for (let i = 0; i < n - 1; i++) {
      out[i] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    out[n - 1] = v;
    return this.raw(out);
  }
}
