/**
 * Per-rsvp_id version tracking (dedup): only the version with the largest mtime
 * is live; a newer version retracts the live one exactly; an equal or older one
 * is ignored. Deterministic and free of I/O; state is mutated in place.
 */
import { contributes, type PositionedDelta } from "./contribution.js";
import { DeltaColumns, type DeltaSink } from "./delta-columns.js";
import type { Rsvp } from "./record.js";
import { HOUR_MS } from "./time.js";
import { VersionTable } from "./version-table.js";

export const VersionOutcome = {
  /** First version seen of this rsvp_id: it became live. */
  New: "new",
  /** A newer version: the old one was retracted and this one became live. */
  Updated: "updated",
  /** Equal or older mtime than the live version: a duplicate or stale update. */
  Ignored: "ignored",
  /** Older than the retention horizon: it cannot count at any later `now`. */
  Expired: "expired",
} as const;
export type VersionOutcome = (typeof VersionOutcome)[keyof typeof VersionOutcome];

export interface VersionResult {
  readonly outcome: VersionOutcome;
  /** Placed at the position `apply` was given. */
  readonly deltas: readonly PositionedDelta[];
}

/**
 * The live version kept per rsvp_id: only what retraction needs. `keys` is null
 * when the version contributes nothing (not positive, or no topics).
 */
export interface LiveVersion {
  readonly mtime: number;
  readonly weight: number;
  readonly keys: readonly string[] | null;
}

const IGNORED: VersionResult = Object.freeze({ outcome: VersionOutcome.Ignored, deltas: [] });
const EXPIRED: VersionResult = Object.freeze({ outcome: VersionOutcome.Expired, deltas: [] });

export class VersionTracker {
  private readonly live = new VersionTable();
  private lastSweepHorizon = -Infinity;

  /** @param retentionMs how long versions are remembered behind `now` (see versionRetentionMs). */
  constructor(private readonly retentionMs: number) {}

  get size(): number {
    return this.live.size;
  }

  /**
   * Applies one version seen at trending time `now`; returns the deltas it causes, placed at
   * the record's input position (`partition`, `offset`).
   */
  apply(r: Rsvp, now: number, partition = 0, offset = 0): VersionResult {
    const deltas = new DeltaColumns();
    const outcome = this.applyInto(r, now, partition, offset, deltas);
    if (outcome === VersionOutcome.Ignored) return IGNORED;
    if (outcome === VersionOutcome.Expired) return EXPIRED;
    return { outcome, deltas: deltas.toArray() };
  }

  /**
   * `apply`, writing the deltas to `sink` (the live version's retraction first, then the new
   * version's contribution). Retractions carry the key as the name: a counter never takes a name
   * from a retraction.
   */
  applyInto(r: Rsvp, now: number, partition: number, offset: number, sink: DeltaSink): VersionOutcome {
    // One lookup: the slot answers whether the version is news, and takes the new one.
    const live = this.live;
    const slot = live.slotOf(r.rsvpId);
    if (slot >= 0 && r.mtime <= live.mtimeAt(slot)) return VersionOutcome.Ignored;
    if (r.mtime < now - this.retentionMs) {
      // Too old to count now or later. A remembered older version is also out of
      // the window, so dropping both changes no ranking.
      if (slot >= 0) live.deleteAt(slot);
      return VersionOutcome.Expired;
    }
    if (slot >= 0) {
      // The live version's retraction, read before the new version takes its slot.
      const keys = live.keysAt(slot);
      if (keys !== null) {
        const mtime = live.mtimeAt(slot);
        const weight = -live.weightAt(slot);
        for (let i = 0; i < keys.length; i++) sink.add(keys[i]!, keys[i]!, weight, mtime, partition, offset);
      }
    }
    const contributing = contributes(r);
    live.put(r.rsvpId, slot, r.mtime, 1 + r.guests, contributing ? r.topics : null);
    if (contributing) {
      const weight = 1 + r.guests;
      for (let i = 0; i < r.topics.length; i++) {
        const t = r.topics[i]!;
        sink.add(t.key, t.name, weight, r.mtime, partition, offset);
      }
    }
    return slot < 0 ? VersionOutcome.New : VersionOutcome.Updated;
  }

  /**
   * Forgets versions older than the retention horizon at `now`. Sweeps at most
   * once per hour of trending time, so calling it per batch is cheap.
   */
  forget(now: number): number {
    const horizon = now - this.retentionMs;
    if (horizon - this.lastSweepHorizon < HOUR_MS) return 0;
    this.lastSweepHorizon = horizon;
    return this.live.deleteOlderThan(horizon);
  }

  /** Forgets every version and lets go of what they hold in the process's pool of key sets (the shard stopped). */
  close(): void {
    this.live.clear();
  }

  /** The live versions, for a state snapshot (handoff). */
  entries(): IterableIterator<[number, LiveVersion]> {
    return this.live.entries();
  }

  /** Restores one live version from a snapshot. */
  restore(rsvpId: number, v: LiveVersion): void {
    this.live.set(rsvpId, v);
  }
}
