/**
 * One dedup shard on NATS: records in from its JetStream subject, topic deltas out
 * to the counter shards' subjects. A group of input messages is handled at once:
 * one message per counter shard that has deltas (a segment per input message,
 * with the shard's coverage after them), all acknowledged before the group counts
 * as handled. The coverage reaches the other counter shards by notice (notices.ts).
 */
import { versionRetentionMs, type Marks, type TrendingParams } from "@meetuphype/core";
import {
  decodeDedupBatch,
  decodeDedupSnapshot,
  describe,
  encodeDedupSnapshotParts,
  encodeDeltaBatch,
  type DeltaSegment,
  type PublishAck,
} from "@meetuphype/control-plane";
import { type FencedEffects, type ShardLogic, type ShardServiceEnv, type StreamMessage } from "@meetuphype/shard-runtime";
import { DedupLogic, type PositionedDelta } from "@meetuphype/pipeline";
import { runsWithin, type DeltaOutbox } from "./outbox.js";

/** Deltas per message at most, so that a message stays far below the server's payload limit. */
export const MAX_DELTAS = 5000;

/** What a running dedup shard's notices announce (notices.ts). */
export interface DedupShardState {
  /** Its coverage, and the last message it sent each counter shard, once everything before was acknowledged. */
  readonly settled: () => { readonly coverage: Marks; readonly sent: readonly number[] };
  readonly epoch: number;
  /** Whether it may still act (its lease is valid). */
  readonly valid: () => boolean;
}

/** Splits one input message's deltas for one counter shard into segments of MAX_DELTAS at most. */
export function segmentsOf(seq: number, deltas: readonly PositionedDelta[]): DeltaSegment[] {
  const out: DeltaSegment[] = [];
  for (let i = 0, part = 0; i === 0 || i < deltas.length; i += MAX_DELTAS, part++)
    out.push({ seq, part, deltas: deltas.slice(i, i + MAX_DELTAS) });
  return out;
}

/** Packs segments into messages of MAX_DELTAS deltas at most (a segment is never split across messages). */
export const pack = (segments: readonly DeltaSegment[]): DeltaSegment[][] => runsWithin(segments, (g) => g.deltas.length, MAX_DELTAS);

export function dedupShard(
  shard: number,
  snapshot: Uint8Array | undefined,
  env: ShardServiceEnv,
  effects: FencedEffects,
  params: TrendingParams,
  counterShards: number,
  expiry: () => number,
  outbox: DeltaOutbox,
): { logic: ShardLogic<never>; seq: number; state: DedupShardState } {
  const restored = snapshot === undefined ? undefined : decodeDedupSnapshot(snapshot);
  const logic = new DedupLogic(versionRetentionMs(params.windowDays, params.idleMinutes), counterShards, restored?.state);
  const sent = Array.from({ length: counterShards }, (_, c) => restored?.sent[c] ?? 0);
  // What notices announce: the coverage and sequences as of the last group whose outputs were all acknowledged.
  let settled = { coverage: logic.coverage, sent: [...sent] };
  const m = env.metrics.records;
  // One counter shard's messages go in order: a counter skips positions at or before the last it applied.
  const publish = async (target: number, messages: readonly DeltaSegment[][], coverage: Marks, signal: AbortSignal): Promise<void> => {
    const subject = env.names.counterSubject(target);
    for (const [i, segments] of messages.entries()) {
      const first = segments[0];
      const last = segments[segments.length - 1];
      const bytes = encodeDeltaBatch({ shard, epoch: effects.epoch, segments, coverage: i === messages.length - 1 ? coverage : [] });
      const msgID = `dedup${shard}-${first?.seq}.${first?.part}-${last?.seq}.${last?.part}-${target}`;
      const alone = (): Promise<PublishAck> => effects.publish(subject, bytes, msgID, signal);
      // With the replica's other shards' batches for this counter shard, if any go in the same turn.
      const ack = await outbox.send(subject, bytes, msgID, () => effects.valid(), alone);
      sent[target] = Math.max(sent[target] ?? 0, ack.seq);
    }
  };
  return {
    seq: restored?.seq ?? 0,
    state: { settled: () => settled, epoch: effects.epoch, valid: () => effects.valid() },
    logic: {
      async onStream(group: readonly StreamMessage[], signal) {
        logic.expireBy(expiry());
        // The state changes here, once per message. The outputs are then retried until acknowledged (the
        // same ids, so JetStream drops a copy that did arrive), or until the shard gives up (it stops, or
        // its lease is no longer valid: fenced, nothing more is published).
        const out = new Map<number, DeltaSegment[]>();
        let records = 0;
        let dup = 0;
        let old = 0;
        let forwarded = 0;
        for (const msg of group) {
          let batch;
          try {
            batch = decodeDedupBatch(msg.data);
          } catch (err) {
            env.logger.error("dedup message cannot be read; skipping it", { shard, seq: msg.seq, err: describe(err) });
            continue;
          }
          records += batch.records.length;
          const done = logic.process(batch);
          dup += done.ignoredVersions;
          old += done.expiredVersions;
          for (const [target, deltas] of done.deltas) {
            forwarded += deltas.length;
            let list = out.get(target);
            if (list === undefined) out.set(target, (list = []));
            list.push(...segmentsOf(msg.seq, deltas));
          }
        }
        m.inc({ stage: "dedup", outcome: "duplicate" }, dup);
        m.inc({ stage: "dedup", outcome: "expired" }, old);
        m.inc({ stage: "dedup", outcome: "applied" }, records - dup - old);
        const coverage = logic.coverage;
        await Promise.all([...out].map(([target, segments]) => publish(target, pack(segments), coverage, signal)));
        m.inc({ stage: "dedup", outcome: "deltas_forwarded" }, forwarded);
        settled = { coverage, sent: [...sent] };
      },
      onExtra: () => Promise.resolve(),
      snapshot: (seq) => encodeDedupSnapshotParts(seq, logic.view(), sent),
      clock: () => logic.coverage.reduce((c, mk) => Math.max(c, mk.clock), 0),
    },
  };
}
