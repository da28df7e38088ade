import { describe, expect, it } from "vitest";
import type { TopicState } from "@meetuphype/core";
import {
  decodeCounterSnapshot,
  decodeDedupBatch,
  decodeDedupSnapshot,
  decodeDeltaBatch,
  decodeRankRequest,
  decodeShardTopK,
  encodeCounterSnapshot,
  encodeDedupBatch,
  encodeDedupSnapshot,
  encodeDeltaBatch,
  encodeRankRequest,
  encodeShardTopK,
} from "../src/index.js";

const T = 1_700_000_000_000;

describe("wire codecs round-trip", () => {
  it("batches and requests", () => {
    const records = [{ rsvpId: 9_007_199_254_740_991, mtime: T, positive: true, guests: 3, topics: [{ key: "js", name: "JS" }] }];
    expect(decodeDedupBatch(encodeDedupBatch({ now: T, records }))).toEqual({ now: T, records });
    const deltas = [{ key: "js", name: "JS", hour: 472_222, minute: 28_333_333, weight: -4, mtime: T }];
    expect(decodeDeltaBatch(encodeDeltaBatch({ now: T, deltas }, { shard: 3, seq: 77, part: 1, epoch: 4 }))).toEqual({
      batch: { kind: "deltas", now: T, deltas },
      source: { shard: 3, seq: 77, part: 1, epoch: 4 },
    });
    expect(decodeDeltaBatch(encodeDeltaBatch({ now: T, deltas })).source).toBeUndefined();
    expect(decodeRankRequest(encodeRankRequest({ now: T, seq: 5, k: 20 }))).toEqual({ kind: "rank", now: T, seq: 5, k: 20 });
    const top = { shard: 2, seq: 5, now: T, topics: [{ key: "js", name: "JS", score: 2.5 }], epoch: 3 };
    expect(decodeShardTopK(encodeShardTopK(top, "r1"))).toEqual(top);
  });

  it("snapshots, with the sequence and positions they cover", () => {
    const versions = [
      [1, { mtime: T, weight: 2, keys: ["a", "b"] }],
      [2, { mtime: T + 1, weight: 1, keys: null }],
    ] as const;
    expect(decodeDedupSnapshot(encodeDedupSnapshot(41, T, versions))).toEqual({ seq: 41, clock: T, state: versions });
    const topic: TopicState = { name: "JS", nameMtime: T, hours: new Map([[472_222, 3]]), minutes: new Map([[28_333_333, 3]]) };
    const snap = decodeCounterSnapshot(
      encodeCounterSnapshot(9, { clock: T, topics: [["js", topic]] }, [{ shard: 1, seq: 40, part: 0, epoch: 2 }]),
    );
    expect(snap).toEqual({ seq: 9, state: { clock: T, topics: [["js", topic]] }, sources: [{ shard: 1, seq: 40, part: 0, epoch: 2 }] });
  });
});

describe("keys that are not well-formed UTF-16", () => {
  it("cross every message and snapshot unchanged (lone surrogates stay two topics)", async () => {
    const { decodeDeltaBatch, encodeDeltaBatch, decodeShardTopK, encodeShardTopK, decodeCounterSnapshot, encodeCounterSnapshot } =
      await import("../src/index.js");
    const keys = ["\ud800", "\udc00", "a\ud83d", "ok😀"];
    const deltas = keys.map((key, i) => ({ key, name: `${key}!`, hour: 1, minute: 60, weight: i + 1, mtime: 3_600_000 }));
    const back = decodeDeltaBatch(encodeDeltaBatch({ now: 5, deltas })).batch.deltas;
    expect(back.map((d) => [d.key, d.name])).toEqual(keys.map((k) => [k, `${k}!`]));
    const top = decodeShardTopK(
      encodeShardTopK({ shard: 1, seq: 2, now: 3, topics: keys.map((key) => ({ key, name: key, score: 1 })) }, "r"),
    );
    expect(top.topics.map((t) => t.key)).toEqual(keys);
    const snap = decodeCounterSnapshot(
      encodeCounterSnapshot(7, { clock: 1, topics: keys.map((k) => [k, { name: k, nameMtime: 1, hours: new Map(), minutes: new Map() }]) }),
    );
    expect(snap.state.topics.map(([k]) => k)).toEqual(keys);
  });
});
