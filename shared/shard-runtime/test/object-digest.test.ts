/** The object store's digests by Node's crypto: the same bytes as nats.js's own SHA-256, fed in any pieces. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { natsSha256Module, NativeSha256, useNativeObjectDigests } from "../src/object-digest.js";

/** Deterministic bytes (a linear congruential sequence), `n` of them. */
function bytesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return out;
}

describe("object digests by Node's crypto", () => {
  it("equal nats.js's JavaScript SHA-256 of the same bytes, whatever pieces they come in", () => {
    const js = natsSha256Module().sha256 as unknown as { array(data: Uint8Array): number[] };
    for (const [n, seed] of [
      [0, 1],
      [1, 2],
      [55, 3],
      [64, 4],
      [1000, 5],
      [300_000, 6],
    ] as const) {
      const data = bytesOf(n, seed);
      const whole = new NativeSha256().update(data).digest();
      expect([...whole]).toEqual(js.array(data));
      // In pieces of uneven sizes, as chunks arrive.
      const pieces = new NativeSha256();
      for (let at = 0, k = 1; at < n; at += k, k = (k * 7 + 3) % 70_000) pieces.update(data.subarray(at, at + k));
      expect(Buffer.compare(pieces.digest(), whole)).toBe(0);
      expect(Buffer.compare(pieces.digest(), createHash("sha256").update(data).digest())).toBe(0);
    }
  });

  it("are what the object store's hasher makes once installed", () => {
    useNativeObjectDigests();
    useNativeObjectDigests(); // idempotent
    expect(natsSha256Module().sha256.create()).toBeInstanceOf(NativeSha256);
  });
});
