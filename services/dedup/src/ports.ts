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
      // The same message always has the same id, so JetStream drops a copy that a retry sends again. The
      // epoch is in it: a former owner's copy may be stored late and then fenced by the counter shard, so
      // the new owner's replay of the same positions must not be dropped as its duplicate (the counter
      // shard skips positions it has applied, whichever epoch sent them).
      const msgID = `dedup${shard}e${message.epoch}-${first?.seq}.${first?.part}-${last?.seq}.${last?.part}-${target}`;
      const alone = (): Promise<PublishAck> => effects.publish(subject, bytes, msgID, signal);
      // With the replica's other shards' batches for this counter shard, if any go in the same turn.
      return (await outbox.send(subject, bytes, msgID, () => effects.valid(), alone)).seq;
    },
    count: (outcome, n) => env.metrics.records.inc({ stage: "dedup", outcome }, n),
    logger: env.logger,
  };
}
