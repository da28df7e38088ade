/** One dedup shard on NATS: records in from its JetStream subject, topic deltas out to the counter shards' subjects. */
import { versionRetentionMs, type TrendingParams } from "@meetuphype/core";
import {
  decodeDedupBatch,
  decodeDedupSnapshot,
  encodeDedupSnapshot,
  encodeDeltaBatch,
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
  params: TrendingParams,
  counterShards: number,
): { logic: ShardLogic<never>; seq: number } {
  const restored = snapshot === undefined ? undefined : decodeDedupSnapshot(snapshot);
  const logic = new DedupLogic(versionRetentionMs(params.windowDays, params.idleMinutes), counterShards, emptyStats(), restored?.state);
  let clock = restored?.clock ?? 0;
  return {
    seq: restored?.seq ?? 0,
    logic: {
      async onStream(seq, data) {
        const batch = decodeDedupBatch(data);
        if (batch.now > clock) clock = batch.now;
        // Counter shards in parallel; the parts for one counter shard in order, because a
        // counter skips any position at or before the last it applied from this shard.
        const sends = [...logic.process(batch)].map(async ([target, deltas]) => {
          for (let i = 0, part = 0; i < deltas.length; i += MAX_DELTAS, part++) {
            const body = encodeDeltaBatch({ now: batch.now, deltas: deltas.slice(i, i + MAX_DELTAS) }, { shard, seq, part });
            // The message id also lets JetStream drop a replay within its duplicate window.
            await env.js.publish(env.names.counterSubject(target), body, { msgID: `dedup${shard}-${seq}-${target}-${part}` });
          }
        });
        await Promise.all(sends);
      },
      onExtra: () => Promise.resolve(),
      snapshot: (seq) => encodeDedupSnapshot(seq, clock, logic.snapshot()),
    },
  };
}
