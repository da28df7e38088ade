/**
 * The last position applied from each dedup shard. Each dedup shard publishes
 * to a counter shard in (input sequence, part) order, so a batch at or before
 * the last applied position is a replay (after a dedup crash) and is skipped:
 * counting stays exact whatever the stream's duplicate window.
 */
export interface SourcePosition {
  readonly shard: number;
  readonly seq: number;
  readonly part: number;
}

export class SourcePositions {
  private readonly last = new Map<number, { seq: number; part: number }>();

  constructor(initial: readonly SourcePosition[] = []) {
    for (const p of initial) this.last.set(p.shard, { seq: p.seq, part: p.part });
  }

  /** Whether `p` comes after its shard's last applied position; if so it becomes the last. */
  admit(p: SourcePosition): boolean {
    const l = this.last.get(p.shard);
    if (l !== undefined && (p.seq < l.seq || (p.seq === l.seq && p.part <= l.part))) return false;
    this.last.set(p.shard, { seq: p.seq, part: p.part });
    return true;
  }

  list(): SourcePosition[] {
    return [...this.last].map(([shard, l]) => ({ shard, seq: l.seq, part: l.part }));
  }
}
