/** Dedup: one shard of rsvp_ids; keeps the live version of each and emits topic deltas per counter shard. */
import { shardOf, VersionOutcome, VersionTracker, type LiveVersion, type TopicDelta } from "@meetuphype/core";
import type { DedupBatch } from "../messages.js";
import type { PipelineStats } from "../stats.js";

export type DedupSnapshot = readonly (readonly [number, LiveVersion])[];

export class DedupLogic {
  private readonly tracker: VersionTracker;

  constructor(
    retentionMs: number,
    private readonly counterShards: number,
    private readonly stats: PipelineStats,
    snapshot?: DedupSnapshot,
  ) {
    this.tracker = new VersionTracker(retentionMs);
    for (const [id, v] of snapshot ?? []) this.tracker.restore(id, v);
  }

  /** Applies a batch; returns the deltas it causes, grouped by counter shard, in order. */
  process(batch: DedupBatch): Map<number, TopicDelta[]> {
    this.tracker.forget(batch.now);
    const out = new Map<number, TopicDelta[]>();
    for (const r of batch.records) {
      const res = this.tracker.apply(r, batch.now);
      if (res.outcome === VersionOutcome.Ignored) this.stats.ignoredVersions++;
      else if (res.outcome === VersionOutcome.Expired) this.stats.expiredVersions++;
      for (const d of res.deltas) {
        const shard = shardOf(d.key, this.counterShards);
        const list = out.get(shard);
        if (list === undefined) out.set(shard, [d]);
        else list.push(d);
      }
    }
    return out;
  }

  get size(): number {
    return this.tracker.size;
  }

  snapshot(): DedupSnapshot {
    return [...this.tracker.entries()];
  }
}
