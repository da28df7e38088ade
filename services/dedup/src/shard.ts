/** One dedup shard on NATS: records in from its JetStream subject, topic deltas out to the counter shards' subjects. */
import { versionRetentionMs, type TopicDelta, type TrendingParams } from "@meetuphype/core";
import {
  decodeDedupBatch,
  decodeDedupSnapshot,
  encodeDedupSnapshot,
  encodeDeltaBatch,
  LeaseExpiredError,
  retry,
  type ShardLease,
  type ShardLogic,
  type ShardServiceEnv,
} from "@meetuphype/cluster";
import { DedupLogic, emptyStats } from "@meetuphype/pipeline";

/** Deltas per message at most, so that a message stays far below the server's payload limit. */
const MAX_DELTAS = 5000;

export function dedupShard(
  shard: number,
  snapshot: Uint8Array | undefined,
  env: ShardServiceEnv,
  lease: ShardLease,
  params: TrendingParams,
  counterShards: number,
): { logic: ShardLogic<never>; seq: number } {
  const restored = snapshot === undefined ? undefined : decodeDedupSnapshot(snapshot);
  const stats = emptyStats();
  const logic = new DedupLogic(versionRetentionMs(params.windowDays, params.idleMinutes), counterShards, stats, restored?.state);
  let clock = restored?.clock ?? 0;
  return {
    seq: restored?.seq ?? 0,
    logic: {
      async onStream(seq, data, signal) {
        const batch = decodeDedupBatch(data);
        if (batch.now > clock) clock = batch.now;
        // The state changes here, once. The outputs are then retried until acknowledged (the same
        // ids, so JetStream drops a copy that did arrive), or until the shard gives up on the message
        // (it stops, or its lease is no longer valid: fenced, nothing more is published).
        const [ignored, expired] = [stats.ignoredVersions, stats.expiredVersions];
        const outputs = logic.process(batch);
        const m = env.metrics.records;
        m.inc({ stage: "dedup", outcome: "duplicate" }, stats.ignoredVersions - ignored);
        m.inc({ stage: "dedup", outcome: "expired" }, stats.expiredVersions - expired);
        m.inc(
          { stage: "dedup", outcome: "applied" },
          batch.records.length - (stats.ignoredVersions - ignored) - (stats.expiredVersions - expired),
        );
        const publish = (target: number, part: number, deltas: readonly TopicDelta[]): Promise<unknown> => {
          const subject = env.names.counterSubject(target);
          const bytes = encodeDeltaBatch({ now: batch.now, deltas }, { shard, seq, part, epoch: lease.epoch });
          const msgID = `dedup${shard}-${seq}-${target}-${part}`;
          return retry(
            () => {
              if (!lease.valid()) throw new LeaseExpiredError(`publish to ${subject}`);
              return env.js.publish(subject, bytes, { msgID });
            },
            { what: `publish to ${subject}`, logger: env.logger, signal, isFinal: (e) => e instanceof LeaseExpiredError },
          );
        };
        // Counter shards in parallel. A counter skips any position at or before the last it applied
        // from this shard, so the parts for one counter shard (more than MAX_DELTAS deltas, rare) go
        // in order; a single part is published directly (the common, fast path).
        const acks: Promise<unknown>[] = [];
        for (const [target, deltas] of outputs) {
          if (deltas.length <= MAX_DELTAS) {
            acks.push(publish(target, 0, deltas));
            continue;
          }
          acks.push(
            (async () => {
              for (let i = 0, part = 0; i < deltas.length; i += MAX_DELTAS, part++)
                await publish(target, part, deltas.slice(i, i + MAX_DELTAS));
            })(),
          );
        }
        await Promise.all(acks);
        let deltas = 0;
        for (const d of outputs.values()) deltas += d.length;
        env.metrics.records.inc({ stage: "dedup", outcome: "deltas_forwarded" }, deltas);
      },
      onExtra: () => Promise.resolve(),
      snapshot: (seq) => encodeDedupSnapshot(seq, clock, logic.snapshot()),
      clock: () => clock,
    },
  };
}
