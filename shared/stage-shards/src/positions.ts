/**
 * The last position applied from each dedup shard, and the latest lease epoch
 * seen from it. Each dedup shard publishes to a counter shard in (input
 * sequence, part) order, so a batch at or before the last applied position is a
 * replay (after a dedup crash) and is skipped: counting stays exact whatever the
 * stream's duplicate window. A batch from an epoch earlier than one already seen
 * comes from a replica that lost its lease, and is skipped too (fencing). Pure.
 */
export interface SourcePosition {
  readonly shard: number;
  readonly seq: number;
  readonly part: number;
  readonly epoch: number;
}

export class SourcePositions {
  private readonly last = new Map<number, { seq: number; part: number; epoch: number }>();

  constructor(initial: readonly SourcePosition[] = []) {
    for (const p of initial) this.last.set(p.shard, { seq: p.seq, part: p.part, epoch: p.epoch });
  }

  /** Whether `p` is to be applied; if so it becomes the shard's last position. */
  admit(p: SourcePosition): boolean {
    const l = this.last.get(p.shard);
    if (l === undefined) {
      this.last.set(p.shard, { seq: p.seq, part: p.part, epoch: p.epoch });
      return true;
    }
    if (p.epoch < l.epoch) return false;
    l.epoch = p.epoch;
    if (p.seq < l.seq || (p.seq === l.seq && p.part <= l.part)) return false;
    l.seq = p.seq;
    l.part = p.part;
    return true;
  }

  /**
   * Whether a message from `shard` at `epoch` may change anything (not fenced by a later
   * epoch already seen); if so, its epoch becomes the shard's latest.
   */
  see(shard: number, epoch: number): boolean {
    const l = this.last.get(shard);
    if (l === undefined) {
      this.last.set(shard, { seq: 0, part: 0, epoch });
      return true;
    }
    if (epoch < l.epoch) return false;
    l.epoch = epoch;
    return true;
  }

  /** Whether `epoch` is fenced for `shard`: a later one has been seen. Changes nothing. */
  fenced(shard: number, epoch: number): boolean {
    return epoch < (this.last.get(shard)?.epoch ?? 0);
  }

  list(): SourcePosition[] {
    return [...this.last].map(([shard, l]) => ({ shard, seq: l.seq, part: l.part, epoch: l.epoch }));
  }
}
