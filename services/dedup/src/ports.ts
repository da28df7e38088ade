/**
 * A dedup shard's ports in a replica: its messages read from protobuf, its deltas encoded and
 * published to the counter shards' JetStream subjects through the replica's outbox, under the
 * shard's lease (the runtime's fenced effects), and its counts as metrics.
 */
import { decodeDedupBatch, encodeDeltaBatch, type PublishAck } from "@meetuphype/control-plane";
import type { FencedEffects, ShardServiceEnv } from "@meetuphype/shard-runtime";
import type { DedupPorts } from "@meetuphype/stage-shards";
import type { DeltaOutbox } from "./outbox.js";

export function natsDedupPorts(shard: number, env: ShardServiceEnv, effects: FencedEffects, outbox: DeltaOutbox): DedupPorts<Uint8Array> {
  return {
    read: decodeDedupBatch,
    async send(target, message, signal) {
      const subject = env.names.counterSubject(target);
      const bytes = encodeDeltaBatch(message);
      const first = message.segments[0];
      const last = message.segments[message.segments.length - 1];
      // The same message always has the same id, so JetStream drops a copy a retry or a replay sends again.
      const msgID = `dedup${shard}-${first?.seq}.${first?.part}-${last?.seq}.${last?.part}-${target}`;
      const alone = (): Promise<PublishAck> => effects.publish(subject, bytes, msgID, signal);
      // With the replica's other shards' batches for this counter shard, if any go in the same turn.
      return (await outbox.send(subject, bytes, msgID, () => effects.valid(), alone)).seq;
    },
    count: (outcome, n) => env.metrics.records.inc({ stage: "dedup", outcome }, n),
    logger: env.logger,
  };
}
