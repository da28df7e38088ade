/**
 * A counter shard's ports in a replica: its messages read from protobuf (a batch, or a dedup
 * replica's bundle), its answers encoded and sent on the top-K subject under the shard's lease
 * (the runtime's fenced effects), and its counts as metrics.
 */
import { decodeDeltaMessages, encodeShardTopK } from "@meetuphype/control-plane";
import type { FencedEffects, ShardServiceEnv } from "@meetuphype/shard-runtime";
import type { CounterPorts } from "@meetuphype/stage-shards";

export function natsCounterPorts(env: ShardServiceEnv, effects: FencedEffects): CounterPorts<Uint8Array> {
  return {
    read: decodeDeltaMessages,
    answer: (top) => void effects.emit(env.names.topkSubject, encodeShardTopK(top, env.replica)),
    count: (outcome, n) => env.metrics.records.inc({ stage: "counter", outcome }, n),
    logger: env.logger,
  };
}
