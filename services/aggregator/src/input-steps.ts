/**
 * Where the dedup shards stand, from their coverage notices (the subject the counter shards
 * read): the input they have all handled and stored deltas for moves in steps, one per
 * partition of an ingest fetch. Only when rounds begin follows this (round-pace.ts); what a
 * round ranks is still what its probe finds the counter shards have, so a lost or late notice
 * costs time, never exactness. Pure.
 */
import { covers, meet, type Marks } from "@meetuphype/core";
import type { CoverageNotice } from "@meetuphype/control-plane";

export class InputSteps {
  /** Each dedup shard's coverage and owner's epoch, from its latest owner's last notice. */
  private readonly coverage: (Marks | undefined)[];
  private readonly epoch: number[];
  private known = 0;
  /** What every dedup shard has handled, as of the last step. */
  private all: Marks = [];

  constructor(dedupShards: number) {
    this.coverage = new Array<Marks | undefined>(dedupShards).fill(undefined);
    this.epoch = new Array<number>(dedupShards).fill(0);
  }

  /**
   * Takes a notice (an older owner's after a newer one's is ignored, as is a shard beyond the
   * configured count); true when it is a step: with it, every dedup shard has handled input
   * that not all of them had before.
   */
  note(n: CoverageNotice): boolean {
    if (n.shard >= this.coverage.length || n.epoch < (this.epoch[n.shard] ?? 0)) return false;
    if (this.coverage[n.shard] === undefined) this.known++;
    this.coverage[n.shard] = n.coverage;
    this.epoch[n.shard] = n.epoch;
    if (this.known < this.coverage.length) return false;
    const all = meet(this.coverage as Marks[]);
    const step = !covers(this.all, all);
    // Not a step, but a new owner restored from an older snapshot may have taken the meet back.
    this.all = all;
    return step;
  }

  /** Whether every dedup shard has handled input beyond `cut` (none is known until all have told). */
  beyond(cut: Marks): boolean {
    return this.all.length > 0 && !covers(cut, this.all);
  }
}
