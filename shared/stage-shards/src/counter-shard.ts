/**
 * One counter shard on NATS: deltas in from its JetStream subject (held until a
 * ranked cut includes them), coverage notices and rank requests in as extra
 * messages; answers on the top-K subject.
 */
import type { TrendingParams } from "@meetuphype/core";
import {
  decodeCounterSnapshot,
  decodeDeltaMessages,
  describe,
  encodeCounterSnapshot,
  encodeShardTopK,
  type CoverageNotice,
} from "@meetuphype/control-plane";
import { type FencedEffects, type ShardLogic, type ShardServiceEnv, type StreamMessage } from "@meetuphype/shard-runtime";
import { CounterLogic, type RankRequest } from "@meetuphype/pipeline";
import { SourcePositions } from "./positions.js";

/** What a counter shard is told besides its stream: a rank request, or a dedup shard's coverage notice. */
export type CounterExtra = RankRequest | { readonly kind: "notice"; readonly notice: CoverageNotice };

export function counterShard(
  shard: number,
  snapshot: Uint8Array | undefined,
  env: ShardServiceEnv,
  effects: FencedEffects,
  params: TrendingParams,
  dedupShards: number,
): { logic: ShardLogic<CounterExtra>; seq: number } {
  const restored = snapshot === undefined ? undefined : decodeCounterSnapshot(snapshot);
  const logic = new CounterLogic(shard, params, dedupShards, restored?.state);
  const positions = new SourcePositions(restored?.sources);
  // Notices that name a message of this shard's stream not handled yet: taken once it is.
  const waiting = new Map<number, CoverageNotice>();
  // A notice never moves the epoch: it comes by another path than the stream, and may overtake messages
  // of the epoch before it that are still in the stream, which must not be fenced for that.
  const takeNotice = (n: CoverageNotice, lastSeq: number): void => {
    if (positions.fenced(n.shard, n.epoch)) return;
    if ((n.sent[shard] ?? 0) <= lastSeq) {
      logic.accept({ kind: "deltas", source: n.shard, deltas: [], coverage: n.coverage });
      if (waiting.get(n.shard) === n) waiting.delete(n.shard);
    } else waiting.set(n.shard, n);
  };
  const m = env.metrics.records;
  return {
    seq: restored?.seq ?? 0,
    logic: {
      onStream(group: readonly StreamMessage[]) {
        for (const msg of group) {
          let batches;
          try {
            // One dedup shard's batch, or a bundle of several from one dedup replica (each as if sent alone).
            batches = decodeDeltaMessages(msg.data);
          } catch (err) {
            env.logger.error("counter message cannot be read; skipping it", { shard, seq: msg.seq, err: describe(err) });
            continue;
          }
          for (const batch of batches) {
            if (!positions.see(batch.shard, batch.epoch)) {
              for (const g of batch.segments) m.inc({ stage: "counter", outcome: "deltas_skipped" }, g.deltas.length);
              continue;
            }
            for (const g of batch.segments) {
              const apply = positions.admit({ shard: batch.shard, seq: g.seq, part: g.part, epoch: batch.epoch });
              if (apply) logic.accept({ kind: "deltas", source: batch.shard, deltas: g.deltas, coverage: [] });
              m.inc({ stage: "counter", outcome: apply ? "deltas_applied" : "deltas_skipped" }, g.deltas.length);
            }
            logic.accept({ kind: "deltas", source: batch.shard, deltas: [], coverage: batch.coverage });
          }
        }
        const last = group[group.length - 1]?.seq ?? 0;
        for (const n of [...waiting.values()]) takeNotice(n, last);
        return Promise.resolve();
      },
      onExtra(msg, at) {
        if (msg.kind === "notice") {
          takeNotice(msg.notice, at.lastSeq);
          return Promise.resolve();
        }
        // A shard still replaying answers too: its counts are exact for any cut between what it applied and
        // its coverage, and a cut it cannot rank yet it says so. A replica whose lease lapsed does not answer.
        if (!effects.valid()) return Promise.resolve();
        const top = logic.rank(msg);
        effects.emit(env.names.topkSubject, encodeShardTopK({ ...top, epoch: effects.epoch }, env.replica));
        return Promise.resolve();
      },
      snapshot: (seq) => [encodeCounterSnapshot(seq, logic.snapshot(), positions.list())],
      clock: () => (Number.isFinite(logic.clock) ? logic.clock : 0),
    },
  };
}
