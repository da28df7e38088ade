/**
 * Topic keys and names cross the wire as WTF-8 bytes (see pipeline.proto): every string a JSON line
 * can hold survives. They recur in nearly every message (a few thousand topics), so the bytes of a
 * string and the string of some bytes are remembered. A string is found by a hash of its bytes and
 * a comparison with the bytes remembered under it: no allocation for the ones seen before (a key
 * built from the bytes, as before, cost an object and a string for each of a message's strings,
 * about half of a counter's decoding).
 */
import { fnv1a32Bytes, wtf8Decode, wtf8Encode } from "@meetuphype/core";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class WireStrings {
  private readonly bytesOf = new Map<string, Buffer>();
  /** One entry per hash: a string whose bytes collide with another's replaces it (found by the comparison). */
  private readonly byHash = new Map<number, { readonly bytes: Uint8Array; readonly s: string }>();

  /** `limit`: entries each way at most (then it starts over). */
  constructor(
    private readonly limit = 100_000,
    private readonly hash: (b: Uint8Array) => number = fnv1a32Bytes,
  ) {}

  /** The WTF-8 bytes of `s` (shared: do not change them). */
  bin(s: string): Buffer {
    let b = this.bytesOf.get(s);
    if (b === undefined) {
      const u = wtf8Encode(s);
      b = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      if (this.bytesOf.size >= this.limit) this.bytesOf.clear();
      this.bytesOf.set(s, b);
    }
    return b;
  }

  /** The string of WTF-8 bytes (a view into a message may be passed: what is kept is a copy). */
  str(b: Uint8Array): string {
    const h = this.hash(b);
    const known = this.byHash.get(h);
    if (known !== undefined && sameBytes(known.bytes, b)) return known.s;
    const s = wtf8Decode(b);
    if (this.byHash.size >= this.limit) this.byHash.clear();
    // A copy: `new Uint8Array` always copies, where a Buffer's `slice` would be a view into the message.
    this.byHash.set(h, { bytes: new Uint8Array(b), s });
    return s;
  }
}
