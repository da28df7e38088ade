import { describe, expect, it } from "vitest";
import { rsvpShardOf } from "@meetuphype/core";
import { captureFiles, readLines } from "@meetuphype/testkit";
import { IngestLogic, ingestCounts } from "../src/index.js";

const line = (id: number, mtime: number) =>
  JSON.stringify({ rsvp_id: id, mtime, response: "yes", group: { group_topics: [{ urlkey: `t${id}`, topic_name: `T${id}` }] } });

describe("IngestLogic", () => {
  it("groups valid lines by dedup shard with their input positions, rejects bad ones, skips blank ones", () => {
    const logic = new IngestLogic(false, 4);
    const lines = [line(1, 100), "{not json", "   ", line(2, 300) + "\r", line(3, 200)];
    const res = logic.process(lines);
    for (const [index, id] of [
      [0, 1],
      [3, 2],
      [4, 3],
    ] as const) {
      const shard = rsvpShardOf(id, 4);
      const at = res.indices.get(shard)?.indexOf(index) ?? -1;
      expect(at).toBeGreaterThanOrEqual(0);
      expect(res.byShard.get(shard)?.[at]?.rsvpId).toBe(id);
    }
    expect(res.rejections.map((r) => [r.index, r.reason])).toEqual([[1, "invalid_json"]]);
    expect(res.eventNow).toBe(300);
    // The blank line is skipped, not counted; the counts a batch adds to the totals:
    expect(res.lines).toBe(4);
    expect(ingestCounts(res.lines, res.rejections)).toEqual({ lines: 4, accepted: 3, rejected: { invalid_json: 1 } });
  });

  it("reads a batch one line at a time, each once and in order (ingest decodes each Kafka value when it is parsed)", () => {
    const values = [line(1, 100), line(2, 200), "[]", line(3, 300)];
    const asked: number[] = [];
    const lazy = {
      length: values.length,
      at: (i: number) => {
        asked.push(i);
        return values[i];
      },
    };
    const fromView = new IngestLogic(false, 2).process(lazy);
    const fromArray = new IngestLogic(false, 2).process(values);
    expect(asked).toEqual([0, 1, 2, 3]);
    expect(fromView).toEqual(fromArray);
  });

  it("reads lines given as bytes (Kafka values) as it reads them as strings, decoding only the lines the fast path leaves", () => {
    // The real captures (never printed), with damaged and blank lines among them.
    const strings = captureFiles().flatMap((f) => readLines(f));
    strings.splice(7, 0, "{not json", "   ", '{"rsvp_id":1,"mtime":2}\r', '{"rsvp\\u005fid":3,"mtime":4}', "[]", '{"rsvp_id":0,"mtime":2}');
    const values = strings.map((l) => Buffer.from(l, "utf8"));
    const decoded: number[] = [];
    const view = {
      length: values.length,
      at: (i: number) => {
        decoded.push(i);
        return values[i]?.toString("utf8");
      },
      bytesAt: (i: number) => values[i],
    };
    for (const events of [false, true]) {
      decoded.length = 0;
      const fromBytes = new IngestLogic(events, 8).process(view);
      expect(fromBytes).toEqual(new IngestLogic(events, 8).process(strings));
      expect(fromBytes.lines).toBeGreaterThan(4000);
      // The damaged, blank and escaped-key lines, and the few invalid records of the captures.
      expect(decoded.length).toBeGreaterThanOrEqual(6);
      expect(decoded.length).toBeLessThan(20);
    }
  });
});
