/** Conversion between the pipeline's messages and their protobuf wire form. */
import {
  DeltaColumns,
  hourOf,
  minuteOf,
  type LiveVersion,
  type Mark,
  type Marks,
  type Rsvp,
  type Topic,
  type TopicState,
  KnownError,
} from "@meetuphype/core";
import {
  SharedTopics,
  StringTable,
  type CounterSnapshot,
  type DedupBatch,
  type DedupSnapshotView,
  type PositionedDelta,
  type RankRequest,
  type ShardTopK,
} from "@meetuphype/pipeline";
import { decodeMessage, encodeMessage, NumberInt64Reader, NumberInt64Writer, pipeline as pb } from "@meetuphype/proto/pipeline";
import { WireStrings } from "./wire-strings.js";

// Keys and names: their bytes and strings, remembered (wire-strings.ts).
const wire = new WireStrings();
const bin = (s: string): Buffer => wire.bin(s);
const str = (b: Uint8Array): string => wire.str(b);
const topicIn = (t: { key: Uint8Array; name: Uint8Array }) => ({ key: str(t.key), name: str(t.name) });
const topicOut = (t: { key: string; name: string }) => ({ key: bin(t.key), name: bin(t.name) });

/** A DeltaBatch the codec cannot read (its columns disagree, or refer past its strings). */
export class MalformedMessageError extends KnownError {
  readonly code = "MALFORMED_MESSAGE";
  readonly retriable = false;
  constructor(message: string) {
    super(message);
  }
}

const toRsvp = (r: pb.Rsvp): Rsvp => ({
  rsvpId: r.rsvpId,
  mtime: r.mtime,
  positive: r.positive,
  guests: r.guests,
  topics: r.topics.map(topicIn),
});

const markOut = (m: Mark): pb.Mark => ({ partition: m.partition, nextOffset: m.next, clock: m.clock });
const markIn = (m: pb.Mark): Mark => ({ partition: m.partition, next: m.nextOffset, clock: m.clock });
const marksOut = (ms: Marks): pb.Mark[] => ms.map(markOut);
const marksIn = (ms: readonly pb.Mark[]): Marks => ms.map(markIn);

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * The first `n` values of a column of integers as steps (pipeline.proto's Steps), or undefined
 * when there are none or a step does not fit in a sint32: then the column goes as doubles.
 */
function stepsOf(values: ArrayLike<number>, n: number = values.length): pb.Steps | undefined {
  if (n === 0) return undefined;
  const base = values[0]!;
  const steps = new Array<number>(n);
  let before = base;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const step = v - before;
    // Also false for NaN; a fraction would not survive a varint.
    if (!(step >= INT32_MIN && step <= INT32_MAX && Math.floor(step) === step)) return undefined;
    steps[i] = step;
    before = v;
  }
  return { base, steps };
}

/** A column written either way: its steps when present, else its doubles. */
function column(doubles: number[], steps: pb.Steps | undefined): number[] {
  if (steps === undefined) return doubles;
  const out = new Array<number>(steps.steps.length);
  let v = steps.base;
  for (let i = 0; i < out.length; i++) out[i] = v += steps.steps[i]!;
  return out;
}

/**
 * One DedupBatch built a record at a time, in its compact form (records in columns, each string
 * once): ingest adds each record as it parses it, so no record object has to wait for the message.
 */
export class DedupBatchBuilder {
  private readonly table = new StringTable();
  private readonly c = pb.RecordColumns.create();

  /** Records added so far. */
  get size(): number {
    return this.c.rsvpIds.length;
  }

  add(r: Rsvp, offset: number): void {
    const c = this.c;
    c.rsvpIds.push(r.rsvpId);
    c.mtimes.push(r.mtime);
    c.positive.push(r.positive);
    c.guests.push(r.guests);
    c.offsets.push(offset);
    c.topicCounts.push(r.topics.length);
    for (const t of r.topics) this.table.addTopic(t, c.topicKeys, c.topicNames);
  }

  /** The message: the records added, read from partition `partition` of Kafka topic `topic`. */
  encode(topic: string, partition: number, through?: Mark): Uint8Array {
    const c = this.c;
    const mtimeSteps = stepsOf(c.mtimes);
    const offsetSteps = stepsOf(c.offsets);
    return encodeMessage(pb.DedupBatch, {
      records: [],
      source: { topic, partition, offsets: [] },
      through: through === undefined ? undefined : markOut(through),
      columns: {
        ...c,
        mtimes: mtimeSteps === undefined ? c.mtimes : [],
        mtimeSteps,
        offsets: offsetSteps === undefined ? c.offsets : [],
        offsetSteps,
      },
      strings: this.table.strings.map(bin),
    });
  }
}

/** Encodes a DedupBatch read from Kafka topic `topic` (the compact form: records in columns, each string once). */
export function encodeDedupBatch(b: DedupBatch, topic: string): Uint8Array {
  const builder = new DedupBatchBuilder();
  for (let i = 0; i < b.records.length; i++) builder.add(b.records[i]!, b.offsets[i] ?? 0);
  return builder.encode(topic, b.partition, b.through);
}

function recordsIn(c: pb.RecordColumns, strings: readonly string[]): { records: Rsvp[]; offsets: number[] } {
  const n = c.rsvpIds.length;
  const mtimes = column(c.mtimes, c.mtimeSteps);
  const offsets = column(c.offsets, c.offsetSteps);
  if ([mtimes, c.positive, c.guests, offsets, c.topicCounts].some((col) => col.length !== n))
    throw new MalformedMessageError(`dedup batch: its record columns differ in length`);
  if (c.topicKeys.length !== c.topicNames.length) throw new MalformedMessageError(`dedup batch: its topic columns differ in length`);
  const records = new Array<Rsvp>(n);
  // Records of one group carry the same topics: one object per key and name for the whole message.
  const shared = new SharedTopics(strings);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const count = c.topicCounts[i]!;
    if (at + count > c.topicKeys.length) throw new MalformedMessageError(`dedup batch: record ${i} has more topics than the message`);
    const topics = new Array<Topic>(count);
    for (let j = 0; j < count; j++, at++) {
      const t = shared.get(c.topicKeys[at]!, c.topicNames[at]!);
      if (t === undefined) throw new MalformedMessageError(`dedup batch: record ${i} refers past the message's ${strings.length} strings`);
      topics[j] = t;
    }
    records[i] = { rsvpId: c.rsvpIds[i]!, mtime: mtimes[i]!, positive: c.positive[i]!, guests: c.guests[i]!, topics };
  }
  return { records, offsets };
}

/** Reads a DedupBatch, in its compact form or the earlier one (throws MalformedMessageError when its columns are inconsistent). */
export function decodeDedupBatch(bytes: Uint8Array): DedupBatch & { topic: string } {
  const m = decodeMessage(pb.DedupBatch, bytes);
  const { records, offsets } =
    m.columns !== undefined && m.records.length === 0
      ? recordsIn(m.columns, m.strings.map(str))
      : { records: m.records.map(toRsvp), offsets: m.source?.offsets ?? [] };
  return {
    topic: m.source?.topic ?? "",
    partition: m.source?.partition ?? 0,
    records,
    offsets,
    ...(m.through === undefined ? {} : { through: markIn(m.through) }),
  };
}

/** A position in one dedup shard's output (see pipeline.proto SourcePosition). */
export type SourcePosition = pb.SourcePosition;

const EMPTY = Buffer.alloc(0);
// A retraction carries its key as its name (versions.ts): on the wire its name is left empty.
const deltaOut = (d: PositionedDelta): pb.TopicDelta => ({
  key: bin(d.key),
  name: d.weight < 0 && d.name === d.key ? EMPTY : bin(d.name),
  weight: d.weight,
  mtime: d.mtime,
  partition: d.partition,
  offset: d.offset,
});
const deltaIn = (d: pb.TopicDelta): PositionedDelta => {
  const key = str(d.key);
  return {
    key,
    name: d.weight < 0 && d.name.length === 0 ? key : str(d.name),
    hour: hourOf(d.mtime),
    minute: minuteOf(d.mtime),
    weight: d.weight,
    mtime: d.mtime,
    partition: d.partition,
    offset: d.offset,
  };
};

/** The output of one dedup-stream message (or a part of it) for one counter shard. */
export interface DeltaSegment {
  readonly seq: number;
  readonly part: number;
  readonly deltas: DeltaColumns;
}

/** What one dedup shard sends one counter shard in one message. */
export interface DeltaMessage {
  readonly shard: number;
  readonly epoch: number;
  readonly segments: readonly DeltaSegment[];
  readonly coverage: Marks;
}

function segmentOut(g: DeltaSegment, table: StringTable): pb.DeltaSegment {
  const c = g.deltas;
  const n = c.length;
  const mtimeSteps = stepsOf(c.mtimes, n);
  const offsetSteps = stepsOf(c.offsets, n);
  const out: pb.DeltaSegment = {
    seq: g.seq,
    part: g.part,
    deltas: [],
    keys: new Array<number>(n),
    names: new Array<number>(n),
    weights: c.weights.slice(0, n),
    mtimes: mtimeSteps === undefined ? c.mtimes.slice(0, n) : [],
    mtimeSteps,
    partitions: c.partitions.slice(0, n),
    offsets: offsetSteps === undefined ? c.offsets.slice(0, n) : [],
    offsetSteps,
  };
  for (let i = 0; i < n; i++) {
    const key = c.keys[i]!;
    const name = c.names[i]!;
    out.keys[i] = table.ref(key);
    // A retraction carries its key as its name (versions.ts): on the wire its name is left out.
    out.names[i] = c.weights[i]! < 0 && name === key ? 0 : table.ref(name) + 1;
  }
  return out;
}

function segmentIn(g: pb.DeltaSegment, strings: readonly string[]): DeltaSegment {
  if (g.keys.length === 0) return { seq: g.seq, part: g.part, deltas: DeltaColumns.of(g.deltas.map(deltaIn)) };
  const deltas = new DeltaColumns();
  const n = g.keys.length;
  const mtimes = column(g.mtimes, g.mtimeSteps);
  const offsets = column(g.offsets, g.offsetSteps);
  if ([g.names, g.weights, mtimes, g.partitions, offsets].some((c) => c.length !== n))
    throw new MalformedMessageError(`delta segment ${g.seq}.${g.part}: its columns differ in length`);
  for (let i = 0; i < n; i++) {
    const key = strings[g.keys[i]!];
    const nameRef = g.names[i]!;
    const name = nameRef === 0 ? key : strings[nameRef - 1];
    if (key === undefined || name === undefined)
      throw new MalformedMessageError(`delta segment ${g.seq}.${g.part}: a delta refers past the message's ${strings.length} strings`);
    deltas.add(key, name, g.weights[i]!, mtimes[i]!, g.partitions[i]!, offsets[i]!);
  }
  return { seq: g.seq, part: g.part, deltas };
}

export function encodeDeltaBatch(b: DeltaMessage): Uint8Array {
  const table = new StringTable();
  const segments = b.segments.map((g) => segmentOut(g, table));
  return encodeMessage(pb.DeltaBatch, {
    shard: b.shard,
    epoch: b.epoch,
    coverage: marksOut(b.coverage),
    segments,
    strings: table.strings.map(bin),
    bundled: [],
  });
}

/** Reads a DeltaBatch, in its compact form or the earlier one (throws MalformedMessageError when its columns are inconsistent). */
export function decodeDeltaBatch(bytes: Uint8Array): DeltaMessage {
  const m = decodeMessage(pb.DeltaBatch, bytes);
  if (m.bundled.length > 0) throw new MalformedMessageError("a bundle of delta batches where one batch was expected");
  return deltaMessageIn(m);
}

function deltaMessageIn(m: pb.DeltaBatch): DeltaMessage {
  const strings = m.strings.map(str);
  return {
    shard: m.shard,
    epoch: m.epoch,
    coverage: marksIn(m.coverage),
    segments: m.segments.map((g) => segmentIn(g, strings)),
  };
}

/** One message carrying several encoded DeltaBatches (each as `encodeDeltaBatch` made it). */
export const encodeDeltaBundle = (batches: readonly Uint8Array[]): Uint8Array =>
  encodeMessage(pb.DeltaBatch, { ...EMPTY_BATCH, bundled: batches.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)) });

const EMPTY_BATCH: pb.DeltaBatch = { shard: 0, epoch: 0, coverage: [], segments: [], strings: [], bundled: [] };

/** Reads a counter-stream message: one DeltaBatch, or each batch of a bundle in order. */
export function decodeDeltaMessages(bytes: Uint8Array): DeltaMessage[] {
  const m = decodeMessage(pb.DeltaBatch, bytes);
  if (m.bundled.length === 0) return [deltaMessageIn(m)];
  return m.bundled.map((b, i) => {
    const inner = decodeMessage(pb.DeltaBatch, b);
    if (inner.bundled.length > 0) throw new MalformedMessageError(`bundled batch ${i} is itself a bundle`);
    return deltaMessageIn(inner);
  });
}

export const encodeRankRequest = (r: Omit<RankRequest, "kind">): Uint8Array =>
  encodeMessage(pb.RankRequest, { now: r.now, seq: r.seq, k: r.k, cut: marksOut(r.cut), probe: r.probe });

export function decodeRankRequest(bytes: Uint8Array): RankRequest {
  const m = decodeMessage(pb.RankRequest, bytes);
  return { kind: "rank", now: m.now, seq: m.seq, k: m.k, cut: marksIn(m.cut), probe: m.probe };
}

export const encodeShardTopK = (t: ShardTopK, replica: string): Uint8Array =>
  encodeMessage(pb.ShardTopK, {
    shard: t.shard,
    seq: t.seq,
    now: t.now,
    topics: t.topics.map((x) => ({ ...topicOut(x), score: x.score })),
    replica,
    epoch: t.epoch ?? 0,
    coverage: marksOut(t.coverage),
    ranked: t.ranked,
  });

export function decodeShardTopK(bytes: Uint8Array): ShardTopK {
  const m = decodeMessage(pb.ShardTopK, bytes);
  return {
    shard: m.shard,
    seq: m.seq,
    now: m.now,
    topics: m.topics.map((x) => ({ ...topicIn(x), score: x.score })),
    epoch: m.epoch,
    coverage: marksIn(m.coverage),
    ranked: m.ranked,
  };
}

/** A dedup shard's coverage, announced to the counter shards (see pipeline.proto CoverageNotice). */
export interface CoverageNotice {
  readonly shard: number;
  readonly epoch: number;
  readonly coverage: Marks;
  /** Per counter shard, the stream sequence of the last message sent to it (0: none). */
  readonly sent: readonly number[];
}

const noticeOut = (n: CoverageNotice): pb.CoverageNotice => ({
  shard: n.shard,
  epoch: n.epoch,
  coverage: marksOut(n.coverage),
  sent: [...n.sent],
  bundled: [],
});

const noticeIn = (m: pb.CoverageNotice): CoverageNotice => ({
  shard: m.shard,
  epoch: m.epoch,
  coverage: marksIn(m.coverage),
  sent: m.sent,
});

export const encodeCoverageNotice = (n: CoverageNotice): Uint8Array => encodeMessage(pb.CoverageNotice, noticeOut(n));

/** One message for several notices: the notice itself when there is one, else a bundle. */
export const encodeCoverageNotices = (ns: readonly CoverageNotice[]): Uint8Array =>
  ns.length === 1
    ? encodeCoverageNotice(ns[0] as CoverageNotice)
    : encodeMessage(pb.CoverageNotice, { shard: 0, epoch: 0, coverage: [], sent: [], bundled: ns.map(noticeOut) });

/** Reads a coverage message: one notice, or each notice of a bundle in order. */
export function decodeCoverageNotices(bytes: Uint8Array): CoverageNotice[] {
  const m = decodeMessage(pb.CoverageNotice, bytes);
  if (m.bundled.length === 0) return [noticeIn(m)];
  return m.bundled.map((inner, i) => {
    if (inner.bundled.length > 0) throw new MalformedMessageError(`bundled notice ${i} is itself a bundle`);
    return noticeIn(inner);
  });
}

/** A dedup shard's snapshot, with the stream sequence it covers and the last sequence it sent each counter shard. */
export function encodeDedupSnapshot(seq: number, s: DedupSnapshotView, sent: readonly number[] = []): Uint8Array {
  return Buffer.concat([...encodeDedupSnapshotParts(seq, s, sent)]);
}

/** Versions per part of a dedup snapshot (about a megabyte of protobuf). */
export const SNAPSHOT_PART_VERSIONS = 20_000;

/**
 * A dedup snapshot in parts: the first holds all but the versions, each next one a slice of them.
 * Concatenated, the parts decode as one message (protobuf appends the repeated fields of messages
 * written one after the other), the one encodeDedupSnapshot writes. The versions are read only as
 * the parts are: whoever encodes a large state this way can let other work run between parts.
 */
export function* encodeDedupSnapshotParts(
  seq: number,
  s: DedupSnapshotView,
  sent: readonly number[] = [],
  perPart: number = SNAPSHOT_PART_VERSIONS,
): Generator<Uint8Array> {
  yield pb.DedupSnapshot.encode(
    { seq, sent: [...sent], clock: s.clock, coverage: marksOut(s.coverage), versions: [] },
    new NumberInt64Writer(),
  ).finish();
  let slice: pb.LiveVersion[] = [];
  const part = (): Uint8Array =>
    pb.DedupSnapshot.encode({ seq: 0, sent: [], clock: 0, coverage: [], versions: slice }, new NumberInt64Writer()).finish();
  for (const [id, v] of s.versions) {
    slice.push({
      rsvpId: id,
      mtime: v.mtime,
      weight: v.weight,
      keys: v.keys === null ? [] : v.keys.map(bin),
      contributes: v.keys !== null,
    });
    if (slice.length >= perPart) {
      yield part();
      slice = [];
    }
  }
  if (slice.length > 0) yield part();
}

/** The tag of DedupSnapshot's `versions` (field 3, length-delimited). */
const VERSIONS_TAG = (3 << 3) | 2;

/**
 * Reads a dedup snapshot. Its versions are decoded one at a time, as they are iterated (once, at
 * once: the shard restores them as it starts). Decoded all together, a million versions all
 * outlived the young generation, and collecting them was most of a load (docs/benchmarks.md).
 * The other fields are read here, by the generated decoder; a malformed message throws here or
 * while its versions are read.
 */
export function decodeDedupSnapshot(bytes: Uint8Array): { seq: number; state: DedupSnapshotView; sent: number[] } {
  const reader = new NumberInt64Reader(bytes);
  // Where each version's message starts and how long it is; every other field's bytes, to decode whole.
  const spans: number[] = [];
  const others: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    if (tag !== VERSIONS_TAG) {
      reader.skip(tag & 7, tag >>> 3);
      others.push(bytes.subarray(start, reader.pos));
      continue;
    }
    const length = reader.uint32();
    if (reader.pos + length > reader.len) throw new MalformedMessageError("dedup snapshot: a version runs past its end");
    spans.push(reader.pos, length);
    reader.pos += length;
  }
  const m = decodeMessage(pb.DedupSnapshot, Buffer.concat(others));
  return { seq: m.seq, state: { versions: versionsIn(bytes, spans), coverage: marksIn(m.coverage), clock: m.clock }, sent: m.sent };
}

function* versionsIn(bytes: Uint8Array, spans: readonly number[]): Generator<[number, LiveVersion]> {
  const reader = new NumberInt64Reader(bytes);
  for (let i = 0; i < spans.length; i += 2) {
    reader.pos = spans[i]!;
    const v = pb.LiveVersion.decode(reader, spans[i + 1]);
    yield [v.rsvpId, { mtime: v.mtime, weight: v.weight, keys: v.contributes ? v.keys.map(str) : null }];
  }
}

const buckets = (m: ReadonlyMap<number, number>): pb.Bucket[] => [...m].map(([index, count]) => ({ index, count }));
const fromBuckets = (bs: pb.Bucket[]): Map<number, number> => new Map(bs.map((b) => [b.index, b.count]));

export function encodeCounterSnapshot(seq: number, s: CounterSnapshot, sources: readonly SourcePosition[] = []): Uint8Array {
  return pb.CounterSnapshot.encode({
    seq,
    sources: [...sources],
    clock: Number.isFinite(s.clock) ? s.clock : 0,
    topics: s.topics.map(([key, t]) => ({
      ...topicOut({ key, name: t.name }),
      nameMtime: t.nameMtime,
      hours: buckets(t.hours),
      minutes: buckets(t.minutes),
    })),
    pending: s.pending.map(deltaOut),
    coverage: s.sources.map(([shard, marks]) => ({ shard, marks: marksOut(marks) })),
    applied: marksOut(s.applied),
  }).finish();
}

export function decodeCounterSnapshot(bytes: Uint8Array): { seq: number; state: CounterSnapshot; sources: SourcePosition[] } {
  const m = decodeMessage(pb.CounterSnapshot, bytes);
  const topics = m.topics.map((t): [string, TopicState] => [
    str(t.key),
    { name: str(t.name), nameMtime: t.nameMtime, hours: fromBuckets(t.hours), minutes: fromBuckets(t.minutes) },
  ]);
  const state: CounterSnapshot = {
    clock: m.clock,
    topics,
    pending: m.pending.map(deltaIn),
    sources: m.coverage.map((c) => [c.shard, marksIn(c.marks)] as const),
    applied: marksIn(m.applied),
  };
  return { seq: m.seq, state, sources: m.sources };
}
