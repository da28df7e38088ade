import { describe, expect, it } from "vitest";
import { DeltaColumns, type TopicState } from "@meetuphype/core";
import {
  decodeCounterSnapshot,
  decodeCoverageNotices,
  decodeDedupBatch,
  decodeDedupSnapshot,
  decodeDeltaBatch,
  decodeDeltaMessages,
  decodeRankRequest,
  decodeShardTopK,
  encodeCounterSnapshot,
  encodeCoverageNotice,
  encodeCoverageNotices,
  encodeDedupBatch,
  encodeDedupSnapshot,
  encodeDedupSnapshotParts,
  encodeDeltaBatch,
  encodeDeltaBundle,
  encodeRankRequest,
  encodeShardTopK,
  MalformedMessageError,
} from "../src/index.js";
import { pipeline as pb } from "@meetuphype/proto";

const T = 1_700_000_000_000;

const mark = (partition: number, next: number, clock = T) => ({ partition, next, clock });
/** A decoded dedup snapshot with its versions read (they are decoded as they are iterated). */
const readAll = <S extends { state: { versions: Iterable<unknown> } }>(d: S) => ({
  ...d,
  state: { ...d.state, versions: [...d.state.versions] },
});

describe("delta bundles", () => {
  const deltas = DeltaColumns.of([
    { key: "js", name: "JS", hour: 472_222, minute: 28_333_333, weight: 2, mtime: T, partition: 0, offset: 5 },
  ]);
  const a = { shard: 1, epoch: 2, segments: [{ seq: 10, part: 0, deltas }], coverage: [mark(0, 6)] };
  const b = { shard: 7, epoch: 3, segments: [{ seq: 4, part: 1, deltas: new DeltaColumns() }], coverage: [mark(1, 9)] };

  it("carry several shards' batches, read back in order, each as if sent alone", () => {
    expect(decodeDeltaMessages(encodeDeltaBundle([encodeDeltaBatch(a), encodeDeltaBatch(b)]))).toEqual([a, b]);
    expect(decodeDeltaMessages(encodeDeltaBatch(a))).toEqual([a]);
  });

  it("are refused where one batch is expected, and never nested", () => {
    const bundle = encodeDeltaBundle([encodeDeltaBatch(a)]);
    expect(() => decodeDeltaBatch(bundle)).toThrow(MalformedMessageError);
    expect(() => decodeDeltaMessages(encodeDeltaBundle([bundle]))).toThrow(/bundled batch 0 is itself a bundle/);
  });
});

describe("notice bundles", () => {
  const a = { shard: 4, epoch: 2, coverage: [mark(0, 5)], sent: [0, 17, 3] };
  const b = { shard: 9, epoch: 1, coverage: [mark(0, 5), mark(1, 2)], sent: [] };

  it("carry several shards' notices, read back in order; one notice goes as itself", () => {
    expect(decodeCoverageNotices(encodeCoverageNotices([a, b]))).toEqual([a, b]);
    expect(encodeCoverageNotices([a])).toEqual(encodeCoverageNotice(a));
    expect(decodeCoverageNotices(encodeCoverageNotice(a))).toEqual([a]);
  });

  it("are never nested, and read by an older reader as a notice that covers nothing", () => {
    const bundle = encodeCoverageNotices([a, b]);
    const nested = pb.CoverageNotice.encode({
      shard: 0,
      epoch: 0,
      coverage: [],
      sent: [],
      bundled: [pb.CoverageNotice.decode(bundle)],
    }).finish();
    expect(() => decodeCoverageNotices(nested)).toThrow(/bundled notice 0 is itself a bundle/);
    expect(pb.CoverageNotice.decode(bundle)).toMatchObject({ shard: 0, epoch: 0, coverage: [], sent: [] });
  });
});

describe("wire codecs round-trip", () => {
  it("batches and requests, with their marks and cuts", () => {
    const records = [{ rsvpId: 9_007_199_254_740_991, mtime: T, positive: true, guests: 3, topics: [{ key: "js", name: "JS" }] }];
    const batch = { partition: 2, records, offsets: [41], through: mark(2, 42) };
    expect(decodeDedupBatch(encodeDedupBatch(batch, "meetup"))).toEqual({ ...batch, topic: "meetup" });
    const bare = { partition: 1, records: [], offsets: [] };
    expect(decodeDedupBatch(encodeDedupBatch(bare, "t"))).toEqual({ ...bare, topic: "t" });
    const deltas = DeltaColumns.of([
      { key: "js", name: "JS", hour: 472_222, minute: 28_333_333, weight: -4, mtime: T, partition: 2, offset: 41 },
    ]);
    const msg = { shard: 3, epoch: 4, segments: [{ seq: 77, part: 1, deltas }], coverage: [mark(0, 10), mark(2, 42)] };
    expect(decodeDeltaBatch(encodeDeltaBatch(msg))).toEqual(msg);
    const req = { now: T, seq: 5, k: 20, cut: [mark(0, 9)], probe: false };
    expect(decodeRankRequest(encodeRankRequest(req))).toEqual({ kind: "rank", ...req });
    const top = {
      shard: 2,
      seq: 5,
      now: T,
      topics: [{ key: "js", name: "JS", score: 2.5 }],
      epoch: 3,
      coverage: [mark(1, 3)],
      ranked: true,
    };
    expect(decodeShardTopK(encodeShardTopK(top, "r1"))).toEqual(top);
    const notice = { shard: 4, epoch: 2, coverage: [mark(0, 5)], sent: [0, 17, 3] };
    expect(decodeCoverageNotices(encodeCoverageNotice(notice))).toEqual([notice]);
  });

  it("dedup snapshots: the versions decoded as they are read, the other fields wherever they stand", () => {
    const versions = [
      [7, { mtime: T, weight: 1, keys: ["x"] }],
      [8, { mtime: T + 5, weight: 3, keys: null }],
    ] as const;
    const [head, ...rest] = [...encodeDedupSnapshotParts(9, { versions, coverage: [mark(2, 6)], clock: T + 1 }, [4, 1], 1)];
    // The head after the versions: the same snapshot (protobuf reads a message's fields in any order).
    const reordered = Buffer.concat([...rest, head!]);
    const d = decodeDedupSnapshot(reordered);
    expect([d.seq, d.sent, d.state.coverage, d.state.clock]).toEqual([9, [4, 1], [mark(2, 6)], T + 1]);
    expect([...d.state.versions]).toEqual(versions);
    // A version whose length runs past the message's end is refused before anything is read.
    const cut = reordered.subarray(0, rest[0]!.length - 1);
    expect(() => decodeDedupSnapshot(cut)).toThrow(MalformedMessageError);
  });

  it("snapshots, with the sequence, positions, coverage and held deltas they cover", () => {
    const versions = [
      [1, { mtime: T, weight: 2, keys: ["a", "b"] }],
      [2, { mtime: T + 1, weight: 1, keys: null }],
    ] as const;
    const dedup = { versions, coverage: [mark(0, 8)], clock: T };
    expect(readAll(decodeDedupSnapshot(encodeDedupSnapshot(41, dedup, [3, 0, 9])))).toEqual({ seq: 41, state: dedup, sent: [3, 0, 9] });
    // In parts (the head, then slices of versions), read lazily: the same message once concatenated.
    const many = Array.from(
      { length: 7 },
      (_, i) => [i + 1, { mtime: T + i, weight: 1 + (i % 2), keys: i % 3 === 0 ? null : [`k${i}`] }] as const,
    );
    let read = 0;
    const lazily = function* () {
      for (const v of many) {
        read++;
        yield v;
      }
    };
    const parts = encodeDedupSnapshotParts(5, { versions: lazily(), coverage: [mark(1, 4)], clock: T }, [2], 3);
    const head = parts.next();
    expect(read).toBe(0);
    const rest = [...parts];
    expect(rest).toHaveLength(3); // 3 + 3 + 1 versions
    const whole = Buffer.concat([head.value as Uint8Array, ...rest]);
    expect(readAll(decodeDedupSnapshot(whole))).toEqual({ seq: 5, state: { versions: many, coverage: [mark(1, 4)], clock: T }, sent: [2] });
    expect(whole).toEqual(Buffer.from(encodeDedupSnapshot(5, { versions: many, coverage: [mark(1, 4)], clock: T }, [2])));
    const topic: TopicState = { name: "JS", nameMtime: T, hours: new Map([[472_222, 3]]), minutes: new Map([[28_333_333, 3]]) };
    const held = { key: "js", name: "JS", hour: 472_222, minute: 28_333_333, weight: 1, mtime: T, partition: 0, offset: 12 };
    const state = {
      clock: T,
      topics: [["js", topic]] as const,
      pending: [held],
      sources: [[1, [mark(0, 13)]]] as const,
      applied: [mark(0, 12)],
    };
    const snap = decodeCounterSnapshot(encodeCounterSnapshot(9, state, [{ shard: 1, seq: 40, part: 0, epoch: 2 }]));
    expect(snap).toEqual({ seq: 9, state, sources: [{ shard: 1, seq: 40, part: 0, epoch: 2 }] });
  });
});

describe("the compact delta batch", () => {
  const d = (key: string, name: string, weight: number, offset: number, mtime = T + offset) => ({
    key,
    name,
    hour: Math.floor(mtime / 3_600_000),
    minute: Math.floor(mtime / 60_000),
    weight,
    mtime,
    partition: offset % 3,
    offset,
  });

  it("round-trips segments whose deltas share keys and names, each string once on the wire", () => {
    const first = DeltaColumns.of([d("js", "JS", 2, 1), d("go", "Go", 1, 2), d("js", "js", -2, 3), d("js", "JavaScript", 1, 4)]);
    const second = DeltaColumns.of([d("go", "Go", 5, 2 ** 52), d("rust", "Rust", -1, 6, 9_007_199_254_740_991)]);
    const msg = {
      shard: 1,
      epoch: 2,
      segments: [
        { seq: 10, part: 0, deltas: first },
        { seq: 11, part: 3, deltas: second },
        { seq: 12, part: 0, deltas: new DeltaColumns() },
      ],
      coverage: [mark(0, 5)],
    };
    const bytes = encodeDeltaBatch(msg);
    expect(decodeDeltaBatch(bytes)).toEqual(msg);
    const wire = pb.DeltaBatch.decode(bytes);
    expect(wire.strings.map((b) => Buffer.from(b).toString())).toEqual(["js", "JS", "go", "Go", "JavaScript", "rust", "Rust"]);
    expect(wire.segments[0]?.names).toEqual([2, 4, 0, 5]); // the retraction's name is its key: 0
    expect(wire.segments.every((g) => g.deltas.length === 0)).toBe(true);
  });

  it("writes close mtimes and offsets as steps, and a column whose steps do not fit as doubles", () => {
    // 500 deltas of neighbouring records, and one retraction of a version a week older.
    const close = DeltaColumns.of(Array.from({ length: 500 }, (_, i) => d(`k${i % 7}`, `K${i % 7}`, 1, 1000 + 3 * i, T + 250 * i)));
    const old = DeltaColumns.of([d("js", "js", -1, 70, T - 7 * 86_400_000), d("go", "Go", 1, 71, T)]);
    const far = DeltaColumns.of([d("go", "Go", 1, 0, T), d("go", "Go", 1, 2 ** 31 + 5, T - 1)]);
    const msg = {
      shard: 0,
      epoch: 1,
      segments: [close, old, far].map((deltas, seq) => ({ seq, part: 0, deltas })),
      coverage: [mark(0, 2 ** 31 + 6)],
    };
    const bytes = encodeDeltaBatch(msg);
    expect(decodeDeltaBatch(bytes)).toEqual(msg);
    const [a, b, c] = pb.DeltaBatch.decode(bytes).segments;
    expect(a).toMatchObject({ mtimes: [], offsets: [], mtimeSteps: { base: T }, offsetSteps: { base: 1000 } });
    expect(a?.mtimeSteps?.steps.slice(0, 3)).toEqual([0, 250, 250]);
    // A week back is a step of 604,800,000 ms: it fits. A step of 2^31 offsets does not.
    expect(b).toMatchObject({ mtimes: [], mtimeSteps: { steps: [0, 7 * 86_400_000] } });
    expect(c).toMatchObject({ mtimes: [], offsets: [0, 2 ** 31 + 5], offsetSteps: undefined });
    // Each of the 500 close deltas takes 2 bytes for its mtime and 1 for its offset, not 16.
    const doubles = pb.DeltaBatch.encode({
      ...pb.DeltaBatch.decode(bytes),
      segments: [{ ...a!, mtimeSteps: undefined, offsetSteps: undefined, mtimes: close.mtimes, offsets: close.offsets }],
    }).finish();
    const steps = pb.DeltaBatch.encode({ ...pb.DeltaBatch.decode(bytes), segments: [a!] }).finish();
    expect(doubles.length - steps.length).toBeGreaterThan(500 * 12);
  });

  it("still reads a batch in the earlier form, one TopicDelta per delta", () => {
    const old = pb.DeltaBatch.encode({
      shard: 1,
      epoch: 2,
      coverage: [],
      strings: [],
      bundled: [],
      segments: [
        {
          seq: 3,
          part: 0,
          deltas: [{ key: Buffer.from("js"), name: Buffer.alloc(0), weight: -1, mtime: T, partition: 1, offset: 7 }],
          keys: [],
          names: [],
          weights: [],
          mtimes: [],
          mtimeSteps: undefined,
          partitions: [],
          offsets: [],
          offsetSteps: undefined,
        },
      ],
    }).finish();
    expect(decodeDeltaBatch(old).segments[0]?.deltas.toArray()).toEqual([{ ...d("js", "js", -1, 7, T), partition: 1 }]);
  });

  it("refuses a batch whose columns disagree or refer past its strings, naming the segment", () => {
    const bad = (g: Partial<pb.DeltaSegment>, strings = [Buffer.from("js")]) =>
      pb.DeltaBatch.encode({
        shard: 0,
        epoch: 1,
        coverage: [],
        strings,
        bundled: [],
        segments: [
          {
            seq: 4,
            part: 1,
            deltas: [],
            keys: [0],
            names: [1],
            weights: [1],
            mtimes: [T],
            partitions: [0],
            offsets: [1],
            mtimeSteps: undefined,
            offsetSteps: undefined,
            ...g,
          },
        ],
      }).finish();
    expect(() => decodeDeltaBatch(bad({ weights: [] }))).toThrow(MalformedMessageError);
    expect(() => decodeDeltaBatch(bad({ weights: [] }))).toThrow(/delta segment 4\.1: its columns differ in length/);
    expect(() => decodeDeltaBatch(bad({ keys: [1] }))).toThrow(/refers past the message's 1 strings/);
    expect(() => decodeDeltaBatch(bad({ names: [2] }))).toThrow(/refers past/);
    expect(() => decodeDeltaBatch(bad({ mtimes: [], mtimeSteps: { base: T, steps: [0, 1] } }))).toThrow(/columns differ in length/);
    expect(decodeDeltaBatch(bad({ offsets: [], offsetSteps: { base: 40, steps: [2] } })).segments[0]?.deltas.at(0)).toMatchObject({
      offset: 42,
    });
    expect(decodeDeltaBatch(bad({})).segments[0]?.deltas.at(0)).toMatchObject({ key: "js", name: "js", weight: 1 });
  });
});

describe("the compact dedup batch", () => {
  const rec = (rsvpId: number, topics: [string, string][]) => ({
    rsvpId,
    mtime: T + rsvpId,
    positive: rsvpId % 2 === 0,
    guests: rsvpId % 4,
    topics: topics.map(([key, name]) => ({ key, name })),
  });

  it("round-trips records in columns, each topic string once, and still reads the earlier form", () => {
    const records = [
      rec(2, [
        ["js", "JS"],
        ["go", "Go"],
      ]),
      rec(3, []),
      rec(9_007_199_254_740_991, [["js", "JS"]]),
      // One key under another name, then the first again; a key that is its own name.
      rec(4, [
        ["js", "JavaScript"],
        ["solo", "solo"],
      ]),
      rec(5, [["js", "JS"]]),
    ];
    const batch = { partition: 1, records, offsets: [5, 6, 2 ** 40, 7, 8], through: mark(1, 2 ** 40 + 1) };
    const bytes = encodeDedupBatch(batch, "in");
    const back = decodeDedupBatch(bytes);
    expect(back).toEqual({ ...batch, topic: "in" });
    // Records that carry the same key and name share one topic object.
    expect(back.records[2]!.topics[0]).toBe(back.records[0]!.topics[0]);
    const wire = pb.DedupBatch.decode(bytes);
    expect(wire.strings.map((b) => Buffer.from(b).toString())).toEqual(["js", "JS", "go", "Go", "JavaScript", "solo"]);
    expect(wire.records).toEqual([]);
    const old = pb.DedupBatch.encode({
      records: [{ rsvpId: 2, mtime: T, positive: true, guests: 1, topics: [{ key: Buffer.from("js"), name: Buffer.from("JS") }] }],
      source: { topic: "in", partition: 0, offsets: [7] },
      through: undefined,
      columns: undefined,
      strings: [],
    }).finish();
    expect(decodeDedupBatch(old)).toEqual({
      topic: "in",
      partition: 0,
      records: [{ rsvpId: 2, mtime: T, positive: true, guests: 1, topics: [{ key: "js", name: "JS" }] }],
      offsets: [7],
    });
  });

  it("writes a partition's close mtimes and offsets as steps", () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ ...rec(100 + i, [["js", "JS"]]), mtime: T + 1000 * i - (i % 3) }));
    const batch = { partition: 2, records, offsets: records.map((_, i) => 900 + 16 * i), through: mark(2, 1700) };
    const bytes = encodeDedupBatch(batch, "in");
    expect(decodeDedupBatch(bytes)).toEqual({ ...batch, topic: "in" });
    const c = pb.DedupBatch.decode(bytes).columns;
    expect(c).toMatchObject({ mtimes: [], offsets: [], mtimeSteps: { base: T }, offsetSteps: { base: 900 } });
    expect(c?.offsetSteps?.steps.slice(0, 3)).toEqual([0, 16, 16]);
  });

  it("refuses columns that disagree or refer past the message's strings", () => {
    const wire = (c: Partial<pb.RecordColumns>) =>
      pb.DedupBatch.encode({
        records: [],
        source: { topic: "t", partition: 0, offsets: [] },
        through: undefined,
        strings: [Buffer.from("js")],
        columns: {
          rsvpIds: [1],
          mtimes: [T],
          positive: [true],
          guests: [0],
          offsets: [0],
          topicCounts: [1],
          topicKeys: [0],
          topicNames: [0],
          mtimeSteps: undefined,
          offsetSteps: undefined,
          ...c,
        },
      }).finish();
    expect(decodeDedupBatch(wire({})).records[0]?.topics).toEqual([{ key: "js", name: "js" }]);
    expect(() => decodeDedupBatch(wire({ mtimes: [] }))).toThrow(/record columns differ in length/);
    expect(() => decodeDedupBatch(wire({ offsets: [], offsetSteps: { base: 3, steps: [] } }))).toThrow(/record columns differ/);
    expect(decodeDedupBatch(wire({ mtimes: [], mtimeSteps: { base: T, steps: [-5] } })).records[0]?.mtime).toBe(T - 5);
    expect(() => decodeDedupBatch(wire({ topicNames: [] }))).toThrow(/topic columns differ in length/);
    expect(() => decodeDedupBatch(wire({ topicCounts: [2] }))).toThrow(/record 0 has more topics than the message/);
    expect(() => decodeDedupBatch(wire({ topicKeys: [3] }))).toThrow(MalformedMessageError);
  });
});

describe("keys that are not well-formed UTF-16", () => {
  it("cross every message and snapshot unchanged (lone surrogates stay two topics)", async () => {
    const { decodeDeltaBatch, encodeDeltaBatch, decodeShardTopK, encodeShardTopK, decodeCounterSnapshot, encodeCounterSnapshot } =
      await import("../src/index.js");
    const keys = ["\ud800", "\udc00", "a\ud83d", "ok😀"];
    const deltas = DeltaColumns.of(
      keys.map((key, i) => ({
        key,
        name: `${key}!`,
        hour: 1,
        minute: 60,
        weight: i + 1,
        mtime: 3_600_000,
        partition: 0,
        offset: i,
      })),
    );
    const back =
      decodeDeltaBatch(
        encodeDeltaBatch({ shard: 0, epoch: 1, segments: [{ seq: 1, part: 0, deltas }], coverage: [] }),
      ).segments[0]?.deltas.toArray() ?? [];
    expect(back.map((d) => [d.key, d.name])).toEqual(keys.map((k) => [k, `${k}!`]));
    const top = decodeShardTopK(
      encodeShardTopK(
        { shard: 1, seq: 2, now: 3, topics: keys.map((key) => ({ key, name: key, score: 1 })), coverage: [], ranked: true },
        "r",
      ),
    );
    expect(top.topics.map((t) => t.key)).toEqual(keys);
    const snap = decodeCounterSnapshot(
      encodeCounterSnapshot(7, {
        clock: 1,
        topics: keys.map((k) => [k, { name: k, nameMtime: 1, hours: new Map(), minutes: new Map() }]),
        pending: [],
        sources: [],
        applied: [],
      }),
    );
    expect(snap.state.topics.map(([k]) => k)).toEqual(keys);
  });
});

describe("the control plane's values", () => {
  it("round-trip, and a value that is not ours reads as empty", async () => {
    const { decodeCut, encodeCut, decodeLease, encodeLease, decodeMember, encodeMember } = await import("../src/index.js");
    const cut = [
      { partition: 0, next: 10, clock: 1_700_000_000_000 },
      { partition: 3, next: 2, clock: 5 },
    ];
    expect(decodeCut(encodeCut(cut))).toEqual(cut);
    expect(decodeCut(new TextEncoder().encode("nonsense"))).toEqual([]);
    expect(decodeLease(encodeLease({ owner: "r1", epoch: 4 }))).toEqual({ owner: "r1", epoch: 4 });
    expect(decodeLease(undefined)).toEqual({ owner: null, epoch: 0 });
    expect(decodeMember(encodeMember({ health: "h:8080" }))).toEqual({ health: "h:8080" });
  });
});
