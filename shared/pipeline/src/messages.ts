/**
 * The messages between stages, and the subjects they travel on. The same
 * shapes cross NATS as protobuf in distributed mode.
 */
import type { RankedTopic, RejectReason, Rsvp, TopicDelta } from "@meetuphype/core";

/** Valid records for one dedup shard, with the sender's trending clock. */
export interface DedupBatch {
  readonly now: number;
  readonly records: readonly Rsvp[];
}

/** Topic deltas for one counter shard, with the sender's trending clock. */
export interface DeltaBatch {
  readonly kind: "deltas";
  readonly now: number;
  readonly deltas: readonly TopicDelta[];
}

/** Asks a counter shard for its top-K at `now`. */
export interface RankRequest {
  readonly kind: "rank";
  readonly now: number;
  readonly seq: number;
  readonly k: number;
}

export type CounterMessage = DeltaBatch | RankRequest;

/** One counter shard's best topics at `now`, in answer to rank request `seq`. */
export interface ShardTopK {
  readonly shard: number;
  readonly seq: number;
  readonly now: number;
  readonly topics: readonly RankedTopic[];
  /** Distributed mode: the lease epoch under which the shard answered (the latest epoch's answer wins). */
  readonly epoch?: number;
}

/** A record that failed validation, on its way to the dead-letter place. */
export interface Rejection {
  /** Position of the line in the batch it came in. */
  readonly index: number;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly line: string;
}

/** Subject names, under a prefix so that several pipelines can share a server. */
export function subjects(prefix: string): {
  dedup: (shard: number) => string;
  counter: (shard: number) => string;
  aggregator: string;
} {
  const p = prefix === "" ? "" : `${prefix}.`;
  return {
    dedup: (s) => `${p}dedup.${s}`,
    counter: (s) => `${p}counter.${s}`,
    aggregator: `${p}aggregator`,
  };
}
