/**
 * Dedup: one shard of rsvp_ids; keeps the live version of each and emits topic
 * deltas per counter shard, each tagged with the input position of the record
 * that caused it. It tracks how far it has received its share of each input
 * partition (its coverage), which travels with its deltas.
 *
 * Versions expire by the clock of the latest ranked cut, never by a clock ahead of
 * it: a record expired that way cannot count in that cut or any later one, so every
 * cut's ranking stays exact (docs/architecture.md, "Exact cuts").
 */
import {
  Coverage,
  DeltaColumns,
  shardOf,
  VersionOutcome,
  VersionTracker,
  type DeltaSink,
  type LiveVersion,
  type Marks,
} from "@meetuphype/core";
import type { DedupBatch } from "../messages.js";

export interface DedupSnapshot {
  readonly versions: readonly (readonly [number, LiveVersion])[];
  readonly coverage: Marks;
  /** The clock versions expire by. */
  readonly clock: number;
}

/** A dedup snapshot whose versions are read lazily (DedupLogic.view). */
export interface DedupSnapshotView extends Omit<DedupSnapshot, "versions"> {
  readonly versions: Iterable<readonly [number, LiveVersion]>;
}

export interface DedupOutput {
  /** The deltas per counter shard, in order. */
  readonly deltas: Map<number, DeltaColumns>;
  /** Whether the coverage moved. */
  readonly moved: boolean;
  /** Records of the batch dropped as duplicates or stale versions of a remembered rsvp_id. */
  readonly ignoredVersions: number;
  /** Records of the batch older than the retention horizon (they cannot count). */
  readonly expiredVersions: number;
}

/** Topic keys whose counter shard a dedup shard remembers at most (then it starts over). */
const MAX_REMEMBERED_KEYS = 50_000;

export class DedupLogic {
  private readonly tracker: VersionTracker;
  private readonly covered: Coverage;
  private expiry = 0;
  /** Each topic key's counter shard, remembered (keys recur in nearly every batch; the hash walks the key). */
  private readonly shardOfKey = new Map<string, number>();

  constructor(
    retentionMs: number,
    private readonly counterShards: number,
    snapshot?: DedupSnapshotView,
  ) {
    this.tracker = new VersionTracker(retentionMs);
    for (const [id, v] of snapshot?.versions ?? []) this.tracker.restore(id, v);
    this.covered = new Coverage(snapshot?.coverage);
    this.expiry = snapshot?.clock ?? 0;
  }

  /** Lets versions expire by `clock`: the clock of a cut that has been ranked (a smaller value is ignored). */
  expireBy(clock: number): void {
    if (clock <= this.expiry) return;
    this.expiry = clock;
    this.tracker.forget(clock);
  }

  /** Applies a batch; adds the deltas it causes to `into` (per counter shard, in order). */
  process(batch: DedupBatch, into: Map<number, DeltaColumns> = new Map()): DedupOutput {
    const { partition, records, offsets } = batch;
    let ignoredVersions = 0;
    let expiredVersions = 0;
    // Each delta to its counter shard's columns in `into`.
    const route: DeltaSink = {
      add: (key, name, weight, mtime, at, offset) => {
        const shard = this.counterShardOf(key);
        let c = into.get(shard);
        if (c === undefined) into.set(shard, (c = new DeltaColumns()));
        c.add(key, name, weight, mtime, at, offset);
      },
    };
    for (let i = 0; i < records.length; i++) {
      const outcome = this.tracker.applyInto(records[i]!, this.expiry, partition, offsets[i] ?? 0, route);
      if (outcome === VersionOutcome.Ignored) ignoredVersions++;
      else if (outcome === VersionOutcome.Expired) expiredVersions++;
    }
    const moved = batch.through === undefined ? false : this.covered.advance(batch.through);
    return { deltas: into, moved, ignoredVersions, expiredVersions };
  }

  private counterShardOf(key: string): number {
    let shard = this.shardOfKey.get(key);
    if (shard === undefined) {
      shard = shardOf(key, this.counterShards);
      if (this.shardOfKey.size >= MAX_REMEMBERED_KEYS) this.shardOfKey.clear();
      this.shardOfKey.set(key, shard);
    }
    return shard;
  }

  /** Lets go of the state (the shard stopped): its versions' key sets leave the process's pool. */
  close(): void {
    this.tracker.close();
  }

  /** How far this shard has received its share of each input partition. */
  get coverage(): Marks {
    return this.covered.marksList;
  }

  get size(): number {
    return this.tracker.size;
  }

  snapshot(): DedupSnapshot {
    const v = this.view();
    return { ...v, versions: [...v.versions] };
  }

  /**
   * The state as a snapshot would hold it, its versions read as they are iterated: the view is
   * good only until the next change (dedup's shard encodes it in parts, nothing else running meanwhile).
   */
  view(): DedupSnapshotView {
    return { versions: this.tracker.entries(), coverage: this.coverage, clock: this.expiry };
  }
}
