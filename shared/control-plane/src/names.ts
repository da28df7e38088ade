/** Every NATS stream, subject and bucket the pipeline uses, under NAME_PREFIX. */
export interface Names {
  readonly prefix: string;
  readonly dedupStream: string;
  readonly dedupSubject: (shard: number) => string;
  readonly counterStream: string;
  readonly counterSubject: (shard: number) => string;
  /** Core NATS: the aggregator's rank requests to every counter replica. */
  readonly rankSubject: string;
  /** Core NATS: counter shards' top-K answers to the aggregator. */
  readonly topkSubject: string;
  /** Core NATS: dedup shards' coverage notices to every counter replica. */
  readonly coverageSubject: string;
  /** KV: live replicas, by `<kind>.<replica>`, expiring without heartbeats. */
  readonly membersBucket: string;
  /** KV: the owner of each shard, by `<kind>.<shard>`, changed only by compare-and-set. */
  readonly shardsBucket: string;
  /** KV: each input partition's event clock, ingest replicas' clocks, the aggregator's last cut (control-plane.ts). */
  readonly clockBucket: string;
  /** KV: each dedup and counter shard's progress, for `meetuphype status` (control-plane.ts). */
  readonly progressBucket: string;
  /** Object store: shard state snapshots, by `<kind>-<shard>`. */
  readonly snapshotStore: string;
  /** KV: the ranking's recent past, one point per minute (`m<minute>`), kept by the aggregator. */
  readonly historyBucket: string;
}

export function names(prefix: string): Names {
  return {
    prefix,
    dedupStream: `${prefix}_dedup`,
    dedupSubject: (s) => `${prefix}.dedup.${s}`,
    counterStream: `${prefix}_counter`,
    counterSubject: (s) => `${prefix}.counter.${s}`,
    rankSubject: `${prefix}.rank`,
    topkSubject: `${prefix}.topk`,
    coverageSubject: `${prefix}.coverage`,
    membersBucket: `${prefix}_members`,
    shardsBucket: `${prefix}_shards`,
    clockBucket: `${prefix}_clock`,
    progressBucket: `${prefix}_progress`,
    snapshotStore: `${prefix}_snapshots`,
    historyBucket: `${prefix}_history`,
  };
}

export const ShardKind = { Dedup: "dedup", Counter: "counter" } as const;
export type ShardKind = (typeof ShardKind)[keyof typeof ShardKind];

/** The JetStream stream a kind of shard consumes, and each shard's subject in it. */
export interface ShardStream {
  readonly stream: string;
  readonly subjectOf: (shard: number) => string;
}

export function shardStream(n: Names, kind: ShardKind): ShardStream {
  return kind === "dedup" ? { stream: n.dedupStream, subjectOf: n.dedupSubject } : { stream: n.counterStream, subjectOf: n.counterSubject };
}
