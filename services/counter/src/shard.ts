/** One counter shard on NATS: deltas in from its JetStream subject; rank requests answered on the top-K subject. */
import type { TrendingParams } from "@meetuphype/core";
import {
  decodeCounterSnapshot,
  decodeDeltaBatch,
  encodeCounterSnapshot,
  encodeShardTopK,
  type ShardLease,
  type ShardLogic,
  type ShardServiceEnv,
} from "@meetuphype/cluster";
import { CounterLogic, type RankRequest } from "@meetuphype/pipeline";
import { SourcePositions } from "./positions.js";

export function counterShard(
  shard: number,
  snapshot: Uint8Array | undefined,
  env: ShardServiceEnv,
  lease: ShardLease,
  params: TrendingParams,
): { logic: ShardLogic<RankRequest>; seq: number } {
  const restored = snapshot === undefined ? undefined : decodeCounterSnapshot(snapshot);
  const logic = new CounterLogic(shard, params, restored?.state);
  const positions = new SourcePositions(restored?.sources);
  return {
    seq: restored?.seq ?? 0,
    logic: {
      onStream(_seq, data) {
        const { batch, source } = decodeDeltaBatch(data);
        const apply = source === undefined || positions.admit(source);
        if (apply) logic.handle(batch);
        env.metrics.records.inc({ stage: "counter", outcome: apply ? "deltas_applied" : "deltas_skipped" }, batch.deltas.length);
        return Promise.resolve();
      },
      onExtra(req, caughtUp) {
        // A shard still replaying (behind its stream) does not answer: the aggregator keeps its last
        // complete ranking instead of serving a partial one. Nor does a replica whose lease lapsed.
        const top = logic.handle(req);
        if (top !== undefined && caughtUp && lease.valid())
          env.nc.publish(env.names.topkSubject, encodeShardTopK({ ...top, epoch: lease.epoch }, env.replica));
        return Promise.resolve();
      },
      snapshot: (seq) => encodeCounterSnapshot(seq, logic.snapshot(), positions.list()),
      clock: () => (Number.isFinite(logic.clock) ? logic.clock : 0),
    },
  };
}
