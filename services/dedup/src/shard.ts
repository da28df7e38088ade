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
        const acks: Promise<unknown>[] = [];
        for (const [target, deltas] of logic.process(batch)) {
          for (let i = 0; i < deltas.length; i += MAX_DELTAS) {
            // The id makes a replay after a crash harmless within the stream's duplicate window.
            const msgID = `dedup${shard}-${seq}-${target}-${i}`;
            acks.push(
              env.js.publish(
                env.names.counterSubject(target),
                encodeDeltaBatch({ now: batch.now, deltas: deltas.slice(i, i + MAX_DELTAS) }),
                { msgID },
              ),
            );
          }
        }
        await Promise.all(acks);
      },
      onExtra: () => Promise.resolve(),
      snapshot: (seq) => encodeDedupSnapshot(seq, clock, logic.snapshot()),
    },
  };
}
