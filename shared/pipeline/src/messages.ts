/**
 * The messages between stages, and the subjects they travel on. The same
 * shapes cross NATS as protobuf in distributed mode.
 */
import type { DeltaColumns, Mark, Marks, RankedTopic, RejectReason, Rsvp } from "@meetuphype/core";

/**
 * Valid records of one input partition for one dedup shard, with each record's
 * offset; `through`, when present, says that every record of the partition before
 * it that belongs to this shard has now been sent (a message may carry only that).
 */
export interface DedupBatch {
  readonly partition: number;
  readonly records: readonly Rsvp[];
  /** Parallel to `records`. */
  readonly offsets: readonly number[];
  readonly through?: Mark;
}

export type { PositionedDelta } from "@meetuphype/core";

/** Topic deltas for one counter shard from dedup shard `source`, with that shard's coverage after them. */
export interface DeltaBatch {
  readonly kind: "deltas";
  readonly source: number;
  readonly deltas: DeltaColumns;
  readonly coverage: Marks;
}

/**
 * Asks a counter shard for its top-K at `now` over the input cut `cut`; a probe
 * asks only for its coverage.
 */
export interface RankRequest {
  readonly kind: "rank";
  readonly now: number;
  readonly seq: number;
  readonly k: number;
  readonly cut: Marks;
  readonly probe: boolean;
}

export type CounterMessage = DeltaBatch | RankRequest;

/** One counter shard's answer to rank request `seq`: its coverage, and its best topics at `now` over the cut. */
export interface ShardTopK {
  readonly shard: number;
  readonly seq: number;
  readonly now: number;
  readonly topics: readonly RankedTopic[];
  /** Distributed mode: the lease epoch under which the shard answered (the latest epoch's answer wins). */
  readonly epoch?: number;
  /** How far the shard has every delta of the input. */
  readonly coverage: Marks;
  /** Whether `topics` is the top-K over the request's cut (not for a probe, nor a cut the shard cannot rank). */
  readonly ranked: boolean;
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
