/**
 * One dedup shard on the shard runtime's interface: records in from its stream, topic deltas
 * out to the counter shards. A group of input messages is handled at once: one message per
 * counter shard that has deltas (a segment per input message, with the shard's coverage after
 * them), all acknowledged before the group counts as handled. The coverage reaches the other
 * counter shards by notice, from `state.settled()`.
 *
 * The same code runs in both modes; only its ports differ. A dedup replica reads its messages
 * from protobuf and sends them to JetStream (services/dedup); embedded mode hands it objects and
 * passes its outputs to the counter shards in the same process (embedded.ts).
 */
import { versionRetentionMs, type DeltaColumns, type Marks, type TrendingParams } from "@meetuphype/core";
import { decodeDedupSnapshot, encodeDedupSnapshotParts, type DeltaMessage, type DeltaSegment } from "@meetuphype/control-plane/codec";
import { describe } from "@meetuphype/control-plane/retry";
import type { ShardLease, ShardLogic, StreamMessage } from "@meetuphype/shard-runtime";
import { DedupLogic, type DedupBatch } from "@meetuphype/pipeline";
import type { Logger } from "@meetuphype/log";

/** Deltas per message at most, so that a message stays far below the server's payload limit. */
export const MAX_DELTAS = 5000;

/** What a shard of a stage tells its metrics: how many of its items had each outcome. */
export type CountOutcome = (outcome: string, n: number) => void;

/** Where a dedup shard's messages come from and its deltas go: the mode's transport. */
export interface DedupPorts<M> {
  /** One stream message as a batch of records; throws if it cannot be read (the message is then skipped, loudly). */
  readonly read: (data: M) => DedupBatch;
  /**
   * Sends counter shard `target` one message; resolves, once it is stored, with its sequence in
   * that shard's stream. Messages to one target are sent one after the other, in order; the port
   * retries until stored, and rejects only when `signal` aborts or the shard's lease lapsed.
   */
  readonly send: (target: number, message: DeltaMessage, signal: AbortSignal) => Promise<number>;
  readonly count: CountOutcome;
  readonly logger: Logger;
}

/** What a running dedup shard's notices announce. */
export interface DedupShardState {
  /** Its coverage, and the last message it sent each counter shard, once everything before was acknowledged. */
  readonly settled: () => { readonly coverage: Marks; readonly sent: readonly number[] };
  readonly epoch: number;
  /** Whether it may still act (its lease is valid). */
  readonly valid: () => boolean;
}

/** Splits `items`, in order, into runs whose sizes add up to at most `max` (a larger item is a run alone). Pure. */
export function runsWithin<T>(items: readonly T[], sizeOf: (item: T) => number, max: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const item of items) {
    const n = sizeOf(item);
    if (cur.length > 0 && size + n > max) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(item);
    size += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Splits one input message's deltas for one counter shard into segments of MAX_DELTAS at most. */
export function segmentsOf(seq: number, deltas: DeltaColumns): DeltaSegment[] {
  if (deltas.length <= MAX_DELTAS) return [{ seq, part: 0, deltas }];
  const out: DeltaSegment[] = [];
  for (let i = 0, part = 0; i < deltas.length; i += MAX_DELTAS, part++) out.push({ seq, part, deltas: deltas.slice(i, i + MAX_DELTAS) });
  return out;
}

/** Packs segments into messages of MAX_DELTAS deltas at most (a segment is never split across messages). */
export const pack = (segments: readonly DeltaSegment[]): DeltaSegment[][] => runsWithin(segments, (g) => g.deltas.length, MAX_DELTAS);

export interface DedupShardOptions<M> {
  readonly shard: number;
  /** The shard's snapshot to resume from; undefined: a fresh shard. */
  readonly snapshot: Uint8Array | undefined;
  readonly lease: ShardLease;
  readonly params: TrendingParams;
  readonly counterShards: number;
  /** The clock versions expire by: that of the latest cut asked to be ranked (docs/architecture.md, "Exact cuts"). */
  readonly expiry: () => number;
  readonly ports: DedupPorts<M>;
  /** Called each time the shard's settled coverage may have moved (its notice can go). */
  readonly onSettled?: () => void;
}

export function dedupShard<M>(o: DedupShardOptions<M>): { logic: ShardLogic<never, M>; seq: number; state: DedupShardState } {
  const { shard, lease, ports } = o;
  const restored = o.snapshot === undefined ? undefined : decodeDedupSnapshot(o.snapshot);
  const logic = new DedupLogic(versionRetentionMs(o.params.windowDays, o.params.idleMinutes), o.counterShards, restored?.state);
  const sent = Array.from({ length: o.counterShards }, (_, c) => restored?.sent[c] ?? 0);
  // What notices announce: the coverage and sequences as of the last group whose outputs were all acknowledged.
  let settled = { coverage: logic.coverage, sent: [...sent] };
  // One counter shard's messages go in order: a counter skips positions at or before the last it applied.
  const publish = async (target: number, messages: readonly DeltaSegment[][], coverage: Marks, signal: AbortSignal): Promise<void> => {
    for (const [i, segments] of messages.entries()) {
      const last = i === messages.length - 1;
      const seq = await ports.send(target, { shard, epoch: lease.epoch, segments, coverage: last ? coverage : [] }, signal);
      sent[target] = Math.max(sent[target] ?? 0, seq);
    }
  };
  return {
    seq: restored?.seq ?? 0,
    state: { settled: () => settled, epoch: lease.epoch, valid: () => lease.valid() },
    logic: {
      async onStream(group: readonly StreamMessage<M>[], signal) {
        logic.expireBy(o.expiry());
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
            batch = ports.read(msg.data);
          } catch (err) {
            ports.logger.error("dedup message cannot be read; skipping it", { shard, seq: msg.seq, err: describe(err) });
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
        ports.count("duplicate", dup);
        ports.count("expired", old);
        ports.count("applied", records - dup - old);
        const coverage = logic.coverage;
        await Promise.all([...out].map(([target, segments]) => publish(target, pack(segments), coverage, signal)));
        ports.count("deltas_forwarded", forwarded);
        settled = { coverage, sent: [...sent] };
        o.onSettled?.();
      },
      onExtra: () => Promise.resolve(),
      snapshot: (seq) => encodeDedupSnapshotParts(seq, logic.view(), sent),
      clock: () => logic.coverage.reduce((c, mk) => Math.max(c, mk.clock), 0),
      close: () => logic.close(),
    },
  };
}
