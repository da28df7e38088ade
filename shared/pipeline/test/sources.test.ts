import { PassThrough, Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLine } from "@meetuphype/core";
import { byteLineBatches, lineBatches, SyntheticSource } from "../src/index.js";

describe("SyntheticSource", () => {
  const take = (src: SyntheticSource, n: number): string[] => Array.from({ length: n }, () => src.next());

  it("is deterministic for a seed and differs between seeds", () => {
    expect(take(new SyntheticSource({ seed: 3 }), 200)).toEqual(take(new SyntheticSource({ seed: 3 }), 200));
    expect(take(new SyntheticSource({ seed: 3 }), 200)).not.toEqual(take(new SyntheticSource({ seed: 4 }), 200));
  });

  it("has re-reads, yes-to-no updates, malformed lines and Zipf-like topics", () => {
    const lines = take(new SyntheticSource({ seed: 1, rate: 100 }), 20_000);
    const parsed = lines.map((l) => parseLine(l, false));
    const bad = parsed.filter((p) => !p.ok).length;
    expect(bad).toBeGreaterThan(10);
    expect(bad).toBeLessThan(200);
    expect(new Set(lines).size).toBeLessThan(lines.length - 300);
    const byId = new Map<number, Set<boolean>>();
    const topicCounts = new Map<string, number>();
    for (const p of parsed) {
      if (!p.ok) continue;
      byId.set(p.rsvp.rsvpId, (byId.get(p.rsvp.rsvpId) ?? new Set()).add(p.rsvp.positive));
      for (const t of p.rsvp.topics) topicCounts.set(t.key, (topicCounts.get(t.key) ?? 0) + 1);
    }
    expect([...byId.values()].filter((s) => s.size === 2).length).toBeGreaterThan(100);
    const counts = [...topicCounts.values()].sort((a, b) => b - a);
    expect(counts.length).toBeGreaterThan(50);
    expect(counts[0]!).toBeGreaterThan(10 * counts[Math.floor(counts.length / 2)]!);
  });

  it("moves virtual time at the configured rate", () => {
    const src = new SyntheticSource({ seed: 1, rate: 10, startMs: 0 });
    take(src, 10_000);
    expect(src.time).toBeGreaterThan(900_000);
    expect(src.time).toBeLessThan(1_100_000);
  });

  it("lets the hour-by-hour leaders change (topics rise and fall)", () => {
    const src = new SyntheticSource({ seed: 2, rate: 5, startMs: 0 });
    const leaders = new Set<string>();
    for (let h = 0; h < 24; h++) {
      const counts = new Map<string, number>();
      for (const l of take(src, 18_000 / 4)) {
        const p = parseLine(l, false);
        if (p.ok) for (const t of p.rsvp.topics) counts.set(t.key, (counts.get(t.key) ?? 0) + 1);
      }
      leaders.add([...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "");
    }
    expect(leaders.size).toBeGreaterThan(1);
  });
});

describe("lineBatches", () => {
  it("splits across chunk boundaries and keeps a last line without newline", async () => {
    const input = Readable.from(["ab", "c\nde", "f\n\ng", "h"]);
    const out: string[] = [];
    for await (const b of lineBatches(input, { batchLines: 2 })) out.push(...b);
    expect(out).toEqual(["abc", "def", "", "gh"]);
  });

  it("cuts an overlong line instead of holding it whole", async () => {
    const input = Readable.from(["x".repeat(50), "y".repeat(50), "\nok\n"]);
    const out: string[] = [];
    for await (const b of lineBatches(input, { maxLineChars: 60 })) out.push(...b);
    expect(out.map((l) => l.length)).toEqual([60, 2]);
  });

  it("passes on the lines it has when the input pauses, without waiting for a full batch", async () => {
    const input = new PassThrough();
    const batches = lineBatches(input, { batchLines: 1000 });
    input.write("a\nb\nc");
    expect((await batches.next()).value).toEqual(["a", "b"]);
    input.write("\nd\n");
    expect((await batches.next()).value).toEqual(["c", "d"]);
    input.end();
    expect((await batches.next()).done).toBe(true);
  });

  it("with fullBatches, waits for a full batch when the input pauses, and gives the rest at the end", async () => {
    const input = new PassThrough();
    const batches = lineBatches(input, { batchLines: 3, fullBatches: true });
    const first = batches.next();
    input.write("a\nb\n");
    input.write("c\nd\n");
    expect((await first).value).toEqual(["a", "b", "c"]);
    const second = batches.next();
    input.end("e");
    expect((await second).value).toEqual(["d", "e"]);
    expect((await batches.next()).done).toBe(true);
  });

  it("keeps multi-byte characters split across chunks intact", async () => {
    const bytes = Buffer.from("é€😀\n", "utf8");
    const input = Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)]);
    const out: string[] = [];
    for await (const b of lineBatches(input)) out.push(...b);
    expect(out).toEqual(["é€😀"]);
  });
});

describe("byteLineBatches", () => {
  const collect = async <T>(batches: AsyncGenerator<T[]>): Promise<T[][]> => {
    const out: T[][] = [];
    for await (const b of batches) out.push(b);
    return out;
  };

  it("gives the lines lineBatches gives, as bytes, in the same batches, however the input is cut into chunks", async () => {
    // Lines with multi-byte characters, invalid UTF-8, carriage returns, empty lines; no final newline sometimes.
    const piece = fc.oneof(
      fc.constantFrom("a", "{", "é", "€", "😀", "\n", "\r", "\r\n", " ").map((x) => Buffer.from(x, "utf8")),
      fc.uint8Array({ minLength: 1, maxLength: 3 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 1, max: 5 }),
        async (pieces, cuts, batchLines) => {
          const bytes = Buffer.concat(pieces);
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...at].map((from, i) => bytes.subarray(from, [...at, bytes.length][i])).filter((c) => c.length > 0);
          const text = await collect(lineBatches(Readable.from(chunks), { batchLines, fullBatches: true }));
          const raw = await collect(byteLineBatches(Readable.from(chunks), { batchLines, fullBatches: true }));
          expect(raw.map((b) => b.map((l) => l.toString("utf8")))).toEqual(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("cuts an overlong line at the byte limit instead of holding it whole", async () => {
    const input = Readable.from([Buffer.from("x".repeat(50)), Buffer.from("y".repeat(50)), Buffer.from("\nok\n")]);
    const out = (await collect(byteLineBatches(input, { maxLineChars: 60 }))).flat();
    expect(out.map((l) => l.length)).toEqual([60, 2]);
  });

  it("counts the bytes read", async () => {
    const seen: number[] = [];
    await collect(byteLineBatches(Readable.from([Buffer.from("ab\n"), Buffer.from("c")]), { onBytes: (b) => seen.push(b) }));
    expect(seen).toEqual([3, 4]);
  });
});
