/**
 * Per-rsvp_id version tracking (dedup): only the version with the largest mtime
 * is live; a newer version retracts the live one exactly; an equal or older one
 * is ignored. Deterministic and free of I/O; state is mutated in place.
 */
import { contributes, contributionDeltas, type TopicDelta } from "./contribution.js";
import type { Rsvp } from "./record.js";
import { HOUR_MS } from "./time.js";

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
  readonly deltas: readonly TopicDelta[];
}

/** The live version kept per rsvp_id. `rsvp` is kept only when it contributes. */
export interface LiveVersion {
  readonly mtime: number;
  readonly rsvp: Rsvp | null;
}

const NONE: readonly TopicDelta[] = [];

export class VersionTracker {
  private readonly live = new Map<number, LiveVersion>();
  private lastSweepHorizon = -Infinity;

  /** @param retentionMs how long versions are remembered behind `now` (see versionRetentionMs). */
  constructor(private readonly retentionMs: number) {}

  get size(): number {
    return this.live.size;
  }

  /** Applies one version seen at trending time `now`; returns the deltas it causes. */
  apply(r: Rsvp, now: number): VersionResult {
    const prev = this.live.get(r.rsvpId);
    if (prev !== undefined && r.mtime <= prev.mtime) return { outcome: VersionOutcome.Ignored, deltas: NONE };
    if (r.mtime < now - this.retentionMs) {
      // Too old to count now or later. A remembered older version is also out of
      // the window, so dropping both changes no ranking.
      if (prev !== undefined) this.live.delete(r.rsvpId);
      return { outcome: VersionOutcome.Expired, deltas: NONE };
    }
    this.live.set(r.rsvpId, { mtime: r.mtime, rsvp: contributes(r) ? r : null });
    const added = contributionDeltas(r, 1);
    if (prev === undefined) return { outcome: VersionOutcome.New, deltas: added };
    const retracted = prev.rsvp === null ? NONE : contributionDeltas(prev.rsvp, -1);
    return { outcome: VersionOutcome.Updated, deltas: retracted.length === 0 ? added : [...retracted, ...added] };
  }

  /**
   * Forgets versions older than the retention horizon at `now`. Sweeps at most
   * once per hour of trending time, so calling it per batch is cheap.
   */
  forget(now: number): number {
    const horizon = now - this.retentionMs;
    if (horizon - this.lastSweepHorizon < HOUR_MS) return 0;
    this.lastSweepHorizon = horizon;
    let dropped = 0;
    for (const [id, v] of this.live) {
      if (v.mtime < horizon) {
        this.live.delete(id);
        dropped++;
      }
    }
    return dropped;
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
