/** Conversion between the pipeline's messages and their protobuf wire form. */
import { wtf8Decode as str, wtf8Encode, type LiveVersion, type Rsvp, type TopicState } from "@meetuphype/core";
import type { CounterSnapshot, DedupBatch, DedupSnapshot, DeltaBatch, RankRequest, ShardTopK } from "@meetuphype/pipeline";
import { pipeline as pb } from "@meetuphype/proto";

// Keys and names cross the wire as WTF-8 bytes (see pipeline.proto): every string a JSON line can hold survives.
const bin = (s: string): Buffer => {
  const u = wtf8Encode(s);
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
};
const topicIn = (t: { key: Uint8Array; name: Uint8Array }) => ({ key: str(t.key), name: str(t.name) });
const topicOut = (t: { key: string; name: string }) => ({ key: bin(t.key), name: bin(t.name) });

const toRsvp = (r: pb.Rsvp): Rsvp => ({
  rsvpId: r.rsvpId,
  mtime: r.mtime,
  positive: r.positive,
  guests: r.guests,
  topics: r.topics.map(topicIn),
});

/** The Kafka records a DedupBatch carries (see pipeline.proto KafkaSource). */
export type KafkaSource = pb.KafkaSource;

export const encodeDedupBatch = (b: DedupBatch, source?: KafkaSource): Uint8Array =>
  pb.DedupBatch.encode({ now: b.now, records: b.records.map((r) => ({ ...r, topics: r.topics.map(topicOut) })), source }).finish();

export function decodeDedupBatch(bytes: Uint8Array): DedupBatch & { source: KafkaSource | undefined } {
  const m = pb.DedupBatch.decode(bytes);
  return { now: m.now, records: m.records.map(toRsvp), source: m.source };
}

/** A position in one dedup shard's output (see pipeline.proto SourcePosition). */
export type SourcePosition = pb.SourcePosition;

export const encodeDeltaBatch = (b: Omit<DeltaBatch, "kind">, source?: SourcePosition): Uint8Array =>
  pb.DeltaBatch.encode({ now: b.now, deltas: b.deltas.map((d) => ({ ...d, ...topicOut(d) })), source }).finish();

export function decodeDeltaBatch(bytes: Uint8Array): { batch: DeltaBatch; source: SourcePosition | undefined } {
  const m = pb.DeltaBatch.decode(bytes);
  return { batch: { kind: "deltas", now: m.now, deltas: m.deltas.map((d) => ({ ...d, ...topicIn(d) })) }, source: m.source };
}

export const encodeRankRequest = (r: Omit<RankRequest, "kind">): Uint8Array =>
  pb.RankRequest.encode({ now: r.now, seq: r.seq, k: r.k }).finish();

export function decodeRankRequest(bytes: Uint8Array): RankRequest {
  const m = pb.RankRequest.decode(bytes);
  return { kind: "rank", now: m.now, seq: m.seq, k: m.k };
}

export const encodeShardTopK = (t: ShardTopK, replica: string): Uint8Array =>
  pb.ShardTopK.encode({
    shard: t.shard,
    seq: t.seq,
    now: t.now,
    topics: t.topics.map((x) => ({ ...topicOut(x), score: x.score })),
    replica,
    epoch: t.epoch ?? 0,
  }).finish();

export function decodeShardTopK(bytes: Uint8Array): ShardTopK {
  const m = pb.ShardTopK.decode(bytes);
  return { shard: m.shard, seq: m.seq, now: m.now, topics: m.topics.map((x) => ({ ...topicIn(x), score: x.score })), epoch: m.epoch };
}

/** A dedup shard's snapshot, with the stream sequence it covers. */
export function encodeDedupSnapshot(seq: number, clock: number, s: DedupSnapshot): Uint8Array {
  return pb.DedupSnapshot.encode({
    seq,
    clock,
    versions: s.map(([id, v]) => ({
      rsvpId: id,
      mtime: v.mtime,
      weight: v.weight,
      keys: v.keys === null ? [] : v.keys.map(bin),
      contributes: v.keys !== null,
    })),
  }).finish();
}

export function decodeDedupSnapshot(bytes: Uint8Array): { seq: number; clock: number; state: DedupSnapshot } {
  const m = pb.DedupSnapshot.decode(bytes);
  const state = m.versions.map((v): [number, LiveVersion] => [
    v.rsvpId,
    { mtime: v.mtime, weight: v.weight, keys: v.contributes ? v.keys.map(str) : null },
  ]);
  return { seq: m.seq, clock: m.clock, state };
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
  }).finish();
}

export function decodeCounterSnapshot(bytes: Uint8Array): { seq: number; state: CounterSnapshot; sources: SourcePosition[] } {
  const m = pb.CounterSnapshot.decode(bytes);
  const topics = m.topics.map((t): [string, TopicState] => [
    str(t.key),
    { name: str(t.name), nameMtime: t.nameMtime, hours: fromBuckets(t.hours), minutes: fromBuckets(t.minutes) },
  ]);
  return { seq: m.seq, state: { clock: m.clock, topics }, sources: m.sources };
}
