import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbStreamAndShuffle } from "@meetuphype/testkit";
import {
  FILE_AHEAD,
  FileReadError,
  IngestLogic,
  lineBatches,
  parseToColumns,
  ParseThread,
  readParsedBatch,
  transferables,
  type FileBatch,
} from "../src/index.js";
import { Readable } from "node:stream";

const line = (id: number, topics: readonly { urlkey?: string; topic_name?: string }[], extra: object = {}): string =>
  JSON.stringify({ rsvp_id: id, mtime: 1_700_000_000_000 + id, response: "yes", group: { group_topics: topics }, ...extra });

/** What ingest makes of the lines in this thread: the reference the columns must reproduce. */
function inline(lines: readonly string[], includeEventNames: boolean, shards: number) {
  const res = new IngestLogic(includeEventNames, shards).process(lines);
  return { byShard: res.byShard, indices: res.indices, rejections: res.rejections, lines: res.lines };
}

describe("parsed batches (ingest's result in columns, for the parse thread)", () => {
  it("read back to what IngestLogic.process gives, for any stream: records, positions, rejections and lines", () => {
    fc.assert(
      fc.property(arbStreamAndShuffle(), fc.boolean(), fc.integer({ min: 1, max: 7 }), ({ shuffled }, events, shards) => {
        const want = inline(shuffled, events, shards);
        const b = parseToColumns(shuffled, events, shards);
        const got = readParsedBatch(b);
        expect(got.byShard).toEqual(want.byShard);
        expect(got.indices).toEqual(want.indices);
        expect(got.rejections).toEqual(want.rejections);
        expect(got.lines).toBe(want.lines);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps each record's own name when records give one key different names, and sends each string once", () => {
    const lines = [
      line(1, [{ urlkey: "js", topic_name: "JS" }, { topic_name: "Only Name" }]),
      line(2, [{ urlkey: "js", topic_name: "JavaScript" }]),
      line(3, [
        { urlkey: "js", topic_name: "JS" },
        { urlkey: "go", topic_name: "Go" },
      ]),
      "{broken",
    ];
    const b = parseToColumns(lines, false, 1);
    const names = readParsedBatch(b)
      .byShard.get(0)!
      .map((r) => r.topics.map((t) => `${t.key}=${t.name}`));
    expect(names).toEqual([["js=JS", "Only Name=Only Name"], ["js=JavaScript"], ["js=JS", "go=Go"]]);
    expect([...b.strings].sort()).toEqual(["Go", "JS", "JavaScript", "Only Name", "go", "js"]);
    expect(b.rejections.map((r) => [r.index, r.reason])).toEqual([[3, "invalid_json"]]);
  });

  it("shares one topic object per key and name within a batch", () => {
    const b = parseToColumns([line(1, [{ urlkey: "js", topic_name: "JS" }]), line(2, [{ urlkey: "js", topic_name: "JS" }])], false, 1);
    const [a, c] = readParsedBatch(b).byShard.get(0)!;
    expect(a!.topics[0]).toBe(c!.topics[0]);
  });

  it("hands over only its columns' buffers, each once", () => {
    const b = parseToColumns([line(1, [{ urlkey: "js" }])], false, 1);
    const buffers = transferables(b);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers).toContain(b.rsvpIds.buffer);
    expect(buffers).toContain(b.topicKeys.buffer);
  });
});

describe("ParseThread", () => {
  it("answers batches in the order they were sent, with what this thread would have made of them", async () => {
    const t = new ParseThread({ includeEventNames: true, dedupShards: 3 });
    try {
      const batches = Array.from({ length: 20 }, (_, i) =>
        Array.from({ length: 50 }, (_, j) =>
          j === 7 ? "not json" : line(i * 100 + j + 1, [{ urlkey: `k${j % 5}` }], { event: { event_name: `E${i}` } }),
        ),
      );
      const answers = await Promise.all(batches.map((lines) => t.parse(lines)));
      for (const [i, lines] of batches.entries()) {
        const want = inline(lines, true, 3);
        const got = readParsedBatch(answers[i]!);
        expect(got.byShard).toEqual(want.byShard);
        expect(got.rejections).toEqual(want.rejections);
      }
    } finally {
      await t.close();
    }
  });

  it("refuses work once closed, with an error that says so", async () => {
    const t = new ParseThread({ includeEventNames: false, dedupShards: 1 });
    await t.close();
    await expect(t.parse(["{}"])).rejects.toThrow(/parse thread was closed/);
  });

  it("reads a file itself: batch by batch, what this thread makes of the same lines, to the last byte", async () => {
    const lines = Array.from({ length: 2500 }, (_, i) =>
      i % 97 === 0 ? "" : i % 89 === 0 ? "{oops" : line(i + 1, [{ urlkey: `k${i % 7}` }, { topic_name: `Name ${i % 3}` }]),
    );
    const text = `${lines.join("\n")}\n`;
    const file = join(mkdtempSync(join(tmpdir(), "parse-thread-")), "in.jsonl");
    writeFileSync(file, text);
    const t = new ParseThread({ includeEventNames: false, dedupShards: 3 });
    try {
      const got: FileBatch[] = [];
      for await (const b of t.readFile(file, 300)) got.push(b);
      // The same batches as this thread's reader makes of the file, each parsed as here.
      const want: string[][] = [];
      for await (const b of lineBatches(Readable.from([text]), { batchLines: 300 })) want.push(b);
      expect(got.map((b) => b.lines)).toEqual(want.map((b) => b.length));
      for (const [i, b] of got.entries()) {
        const mine = inline(want[i]!, false, 3);
        const theirs = readParsedBatch(b.batch);
        expect(theirs.byShard).toEqual(mine.byShard);
        expect(theirs.indices).toEqual(mine.indices);
        expect(theirs.rejections).toEqual(mine.rejections);
        expect(theirs.lines).toBe(mine.lines);
      }
      expect(got.at(-1)?.bytes).toBe(Buffer.byteLength(text));
      // Stopping early stops the reading; the thread then reads again, and still parses lines.
      for await (const b of t.readFile(file, 300)) {
        expect(b.lines).toBe(300);
        break;
      }
      let again = 0;
      for await (const b of t.readFile(file, 1000)) again += b.lines;
      expect(again).toBe(lines.length);
      expect(readParsedBatch(await t.parse([line(1, [{ urlkey: "js" }])])).lines).toBe(1);
    } finally {
      await t.close();
    }
  });

  it("shares a file between threads: each parses every other batch of exactly batchLines lines, in file order when taken in turn", async () => {
    // Over 3 MiB, so that the reads' 1 MiB chunks end inside batches.
    const pad = "x".repeat(560);
    const lines = Array.from({ length: 6_100 }, (_, i) => line(i + 1, [{ urlkey: `k${i % 11}` }], { pad }));
    const text = `${lines.join("\n")}\n`;
    expect(text.length).toBeGreaterThan(3 << 20);
    const file = join(mkdtempSync(join(tmpdir(), "parse-thread-")), "in.jsonl");
    writeFileSync(file, text);
    const threads = [0, 1].map(() => new ParseThread({ includeEventNames: false, dedupShards: 2 }));
    try {
      const reads = threads.map((t, index) => t.readFile(file, 1000, { of: 2, index }));
      const got: FileBatch[] = [];
      for (let k = 0; ; k++) {
        const next = await reads[k % 2]!.next();
        if (next.done === true) break;
        got.push(next.value);
      }
      await Promise.all(reads.map((r) => r.return(undefined)));
      expect(got.map((b) => b.lines)).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 100]);
      const ids = got.flatMap((b) => [...b.batch.rsvpIds.subarray(0, b.batch.count)]);
      expect(ids).toEqual(lines.map((_, i) => i + 1));
    } finally {
      await Promise.all(threads.map((t) => t.close()));
    }
  });

  it("says which file it cannot read, and that it failed once closed while reading", async () => {
    const t = new ParseThread({ includeEventNames: false, dedupShards: 1 });
    const dir = mkdtempSync(join(tmpdir(), "parse-thread-"));
    const read = async (path: string): Promise<number> => {
      let n = 0;
      for await (const b of t.readFile(path)) {
        n += b.lines;
        await t.close();
      }
      return n;
    };
    await expect(read(join(dir, "missing.jsonl"))).rejects.toThrow(FileReadError);
    await expect(read(join(dir, "missing.jsonl"))).rejects.toThrow(/cannot read input .*missing\.jsonl: ENOENT/);
    const file = join(dir, "in.jsonl");
    // More batches than the thread can have sent when it is closed (FILE_AHEAD, and one credit for
    // the batch taken): with as few as that, it could reach the file's end first, and no read fails.
    const batches = 2 * (FILE_AHEAD + 1);
    writeFileSync(file, `${Array.from({ length: batches * 1000 }, (_, i) => line(i + 1, [])).join("\n")}\n`);
    await expect(read(file)).rejects.toThrow(/parse thread was closed/);
  });
});
