/** How a save hands a snapshot to the object store: in chunks, with the event loop free between them. */
import { describe, expect, it } from "vitest";
import { chunkedStream } from "../src/index.js";

describe("chunkedStream", () => {
  it("gives the bytes in order, in chunks of the size at most, each after a turn of the event loop", async () => {
    const bytes = new Uint8Array(10_000).map((_, i) => i % 251);
    const reader = chunkedStream(bytes, 4096).getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      // A callback queued for the next turn of the event loop runs before the read resolves.
      let turned = false;
      setImmediate(() => (turned = true));
      const { done, value } = await reader.read();
      expect(turned).toBe(true);
      if (done) break;
      chunks.push(value);
    }
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(bytes))).toBe(0);
  });

  it("ends at once for nothing", async () => {
    const reader = chunkedStream(new Uint8Array(0)).getReader();
    expect((await reader.read()).done).toBe(true);
  });
});
