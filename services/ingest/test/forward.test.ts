import { describe, expect, it } from "vitest";
import { rsvpShardOf } from "@meetuphype/core";
import { decodeDedupBatch } from "@meetuphype/control-plane";
import { IngestLogic } from "@meetuphype/pipeline";
import { batchOutput, MAX_RECORDS } from "../src/forward.js";

const SHARDS = 4;
const line = (id: number, mtime: number) =>
  JSON.stringify({ rsvp_id: id, mtime, response: "yes", group: { group_topics: [{ urlkey: "js", topic_name: "JS" }] } });

/** rsvp_ids that all land on dedup shard `shard`. */
const idsOn = (shard: number, n: number): number[] => {
  const ids: number[] = [];
  for (let id = 1; ids.length < n; id++) if (rsvpShardOf(id, SHARDS) === shard) ids.push(id);
  return ids;
};

describe("a Kafka batch as ingest sends it on", () => {
  it("splits a shard's records into messages of MAX_RECORDS in order, the mark on the last, one mark-only message for an empty shard", () => {
    const ids = idsOn(1, 2 * MAX_RECORDS + 5);
    const values = [...ids.map((id, i) => line(id, 1000 + i)), "{bad", line(idsOn(2, 1)[0]!, 50)];
    const offset0 = 700;
    const batch = {
      topic: "t",
      partition: 3,
      messages: values.map((v, i) => ({ offset: String(offset0 + i), value: Buffer.from(v) }) as never),
    };
    const out = batchOutput(new IngestLogic(false, SHARDS), batch, SHARDS, 10);
    const last = offset0 + values.length - 1;
    expect(out.through).toEqual({ partition: 3, next: last + 1, clock: 1000 + ids.length - 1 });
    expect([out.first, out.last, out.accepted]).toEqual([offset0, last, ids.length + 1]);
    expect(out.rejections.map((r) => [r.index, r.reason])).toEqual([[ids.length, "invalid_json"]]);
    const read = out.parts.map((list) =>
      list.map((b, i) => decodeDedupBatch(b.encode("t", 3, i === list.length - 1 ? out.through : undefined))),
    );
    expect(read.map((list) => list.map((m) => m.records.length))).toEqual([[0], [MAX_RECORDS, MAX_RECORDS, 5], [1], [0]]);
    for (const list of read) {
      expect(list.slice(0, -1).every((m) => m.through === undefined)).toBe(true);
      expect(list[list.length - 1]?.through).toEqual(out.through);
    }
    expect(read[1]!.flatMap((m) => m.records.map((r) => r.rsvpId))).toEqual(ids);
    expect(read[1]!.flatMap((m) => m.offsets)).toEqual(ids.map((_, i) => offset0 + i));
    expect(read[2]![0]!.offsets).toEqual([last]);
  });
});
