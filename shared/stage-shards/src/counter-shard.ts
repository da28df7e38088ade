/**
 * One counter shard on the shard runtime's interface: deltas in from its stream (held until a
 * ranked cut includes them), coverage notices and rank requests in as extra messages; answers
 * out. The same code runs in both modes; only its ports differ (as dedup-shard.ts says).
 */
import { DeltaColumns, type TrendingParams } from "@meetuphype/core";
import { decodeCounterSnapshot, encodeCounterSnapshot, type CoverageNotice, type DeltaMessage } from "@meetuphype/control-plane/codec";
import { describe } from "@meetuphype/control-plane/retry";
import type { ShardLease, ShardLogic, StreamMessage } from "@meetuphype/shard-runtime";
import { CounterLogic, type RankRequest, type ShardTopK } from "@meetuphype/pipeline";
import type { Logger } from "@meetuphype/log";
import type { CountOutcome } from "./dedup-shard.js";
import { SourcePositions } from "./positions.js";

/**
 * What a counter shard is told besides its stream: a rank request, or dedup shards' coverage
 * notices (those that came together: one extra message for all, not one each).
 */
export type CounterExtra = RankRequest | { readonly kind: "notices"; readonly notices: readonly CoverageNotice[] };

/** Where a counter shard's messages come from and its answers go: the mode's transport. */
export interface CounterPorts<M> {
  /** One stream message as the dedup shards' messages it carries; throws if it cannot be read (it is then skipped, loudly). */
  readonly read: (data: M) => readonly DeltaMessage[];
  /** Sends the aggregator an answer to a rank request (with the lease's epoch). */
  readonly answer: (top: ShardTopK) => void;
  readonly count: CountOutcome;
  readonly logger: Logger;
}

export interface CounterShardOptions<M> {
  readonly shard: number;
  /** The shard's snapshot to resume from; undefined: a fresh shard. */
  readonly snapshot: Uint8Array | undefined;
  readonly lease: ShardLease;
  readonly params: TrendingParams;
  readonly dedupShards: number;
  readonly ports: CounterPorts<M>;
}

export function counterShard<M>(o: CounterShardOptions<M>): { logic: ShardLogic<CounterExtra, M>; seq: number } {
  const { shard, lease, ports } = o;
  const restored = o.snapshot === undefined ? undefined : decodeCounterSnapshot(o.snapshot);
  const logic = new CounterLogic(shard, o.params, o.dedupShards, restored?.state);
  const positions = new SourcePositions(restored?.sources);
  // Notices that name a message of this shard's stream not handled yet: taken once it is.
  const waiting = new Map<number, CoverageNotice>();
  // A notice never moves the epoch: it comes by another path than the stream, and may overtake messages
  // of the epoch before it that are still in the stream, which must not be fenced for that.
  const takeNotice = (n: CoverageNotice, lastSeq: number): void => {
    if (positions.fenced(n.shard, n.epoch)) return;
    if ((n.sent[shard] ?? 0) <= lastSeq) {
      logic.accept({ kind: "deltas", source: n.shard, deltas: new DeltaColumns(), coverage: n.coverage });
      if (waiting.get(n.shard) === n) waiting.delete(n.shard);
    } else waiting.set(n.shard, n);
  };
  return {
    seq: restored?.seq ?? 0,
    logic: {
      onStream(group: readonly StreamMessage<M>[]) {
        for (const msg of group) {
          let batches;
          try {
            // One dedup shard's batch, or a bundle of several from one dedup replica (each as if sent alone).
            batches = ports.read(msg.data);
          } catch (err) {
            ports.logger.error("counter message cannot be read; skipping it", { shard, seq: msg.seq, err: describe(err) });
            continue;
          }
          for (const batch of batches) {
            if (!positions.see(batch.shard, batch.epoch)) {
              for (const g of batch.segments) ports.count("deltas_skipped", g.deltas.length);
              continue;
            }
            for (const g of batch.segments) {
              const apply = positions.admit({ shard: batch.shard, seq: g.seq, part: g.part, epoch: batch.epoch });
              if (apply) logic.accept({ kind: "deltas", source: batch.shard, deltas: g.deltas, coverage: [] });
              ports.count(apply ? "deltas_applied" : "deltas_skipped", g.deltas.length);
            }
            logic.accept({ kind: "deltas", source: batch.shard, deltas: new DeltaColumns(), coverage: batch.coverage });
          }
        }
        const last = group[group.length - 1]?.seq ?? 0;
        for (const n of [...waiting.values()]) takeNotice(n, last);
        return Promise.resolve();
      },
      onExtra(msg, at) {
        if (msg.kind === "notices") {
          for (const n of msg.notices) takeNotice(n, at.lastSeq);
          return Promise.resolve();
        }
        // A shard still replaying answers too: its counts are exact for any cut between what it applied and
        // its coverage, and a cut it cannot rank yet it says so. A replica whose lease lapsed does not answer.
        if (!lease.valid()) return Promise.resolve();
        ports.answer({ ...logic.rank(msg), epoch: lease.epoch });
        return Promise.resolve();
      },
      snapshot: (seq) => [encodeCounterSnapshot(seq, logic.snapshot(), positions.list())],
      clock: () => (Number.isFinite(logic.clock) ? logic.clock : 0),
    },
  };
}
