/**
 * Counter: one shard of topic keys; one entity per topic. Deltas are held until a
 * rank request's cut includes the input position that caused them: the counts are
 * always exactly those of the last ranked cut, so the shard's top-K is the model's
 * over that cut. It answers a cut only when it has every delta inside it (its
 * coverage, the meet of what each dedup shard has told it) and has applied nothing
 * beyond it; otherwise it answers with its coverage alone.
 */
import { Coverage, covers, DeltaColumns, meet, TopicCounts, type Marks, type TopicState, type TrendingParams } from "@meetuphype/core";
import type { DeltaBatch, PositionedDelta, RankRequest, ShardTopK } from "../messages.js";

export interface CounterSnapshot {
  readonly clock: number;
  readonly topics: readonly (readonly [string, TopicState])[];
  /** Deltas received and not yet inside a ranked cut, in arrival order. */
  readonly pending: readonly PositionedDelta[];
  /** Each dedup shard's coverage, as last received. */
  readonly sources: readonly (readonly [number, Marks])[];
  /** The cut the counts include. */
  readonly applied: Marks;
}

/**
 * Deltas a shard holds at most before it applies those its own coverage includes: without
 * rankings (no aggregator for a while) they would pile up. Later cuts then start at that
 * coverage, which every counter shard's coverage passes as the input flows.
 */
export const MAX_HELD_DELTAS = 500_000;

export class CounterLogic {
  private readonly counts: TopicCounts;
  /**
   * Deltas held until a ranked cut includes them, in columns: they wait up to an emit interval,
   * long enough to outlive the young generation, and as objects a second of a backlog's deltas
   * was hundreds of thousands of objects for the garbage collector to copy and then sweep.
   */
  private readonly pending: DeltaColumns;
  private readonly sources = new Map<number, Coverage>();
  private applied: Marks = [];

  constructor(
    readonly shard: number,
    params: Pick<TrendingParams, "windowDays" | "idleMinutes" | "decay">,
    private readonly dedupShards: number,
    snapshot?: CounterSnapshot,
    private readonly maxHeld = MAX_HELD_DELTAS,
  ) {
    this.counts = new TopicCounts(params);
    this.pending = DeltaColumns.of(snapshot?.pending ?? []);
    if (snapshot !== undefined) {
      this.counts.advance(snapshot.clock);
      for (const [k, t] of snapshot.topics) this.counts.restore(k, t);
      for (const [s, marks] of snapshot.sources) this.sources.set(s, new Coverage(marks));
      this.applied = snapshot.applied;
    }
  }

  /** Takes a batch of deltas from a dedup shard (held until a ranked cut includes them). */
  accept(batch: DeltaBatch): void {
    this.pending.append(batch.deltas);
    let c = this.sources.get(batch.source);
    if (c === undefined) this.sources.set(batch.source, (c = new Coverage()));
    c.advanceAll(batch.coverage);
    if (this.pending.length > this.maxHeld) this.applyUpTo(this.coverage);
  }

  /** Applies the held deltas inside `cut` (which covers what was applied): the counts become those of `cut`. */
  private applyUpTo(cut: Marks): void {
    this.pending.takeInside(new Coverage(cut), (from, i) => this.counts.applyAt(from, i));
    this.applied = cut;
  }

  /** How far this shard has every delta: the meet of the dedup shards' coverages. */
  get coverage(): Marks {
    return meet(
      [...this.sources.values()].map((c) => c.marksList),
      this.dedupShards,
    );
  }

  /** Answers a rank request: the top-K over its cut at its `now` when it can be exact, else the coverage alone. */
  rank(req: RankRequest): ShardTopK {
    const coverage = this.coverage;
    const answer = { shard: this.shard, seq: req.seq, now: req.now, coverage };
    if (req.probe || !covers(coverage, req.cut) || !covers(req.cut, this.applied)) return { ...answer, topics: [], ranked: false };
    this.counts.advance(req.now);
    this.applyUpTo(req.cut);
    this.counts.prune();
    return { ...answer, topics: this.counts.top(req.k), ranked: true };
  }

  /** Handles either kind of message: deltas are taken, a rank request is answered. */
  handle(msg: DeltaBatch | RankRequest): ShardTopK | undefined {
    if (msg.kind === "deltas") {
      this.accept(msg);
      return undefined;
    }
    return this.rank(msg);
  }

  get size(): number {
    return this.counts.size;
  }

  /** Deltas waiting for a ranked cut that includes them. */
  get pendingDeltas(): number {
    return this.pending.length;
  }

  /** The trending time of the last ranked cut. */
  get clock(): number {
    return this.counts.clock;
  }

  snapshot(): CounterSnapshot {
    return {
      clock: this.counts.clock,
      topics: [...this.counts.entries()],
      pending: this.pending.toArray(),
      sources: [...this.sources].map(([s, c]) => [s, c.marksList] as const),
      applied: this.applied,
    };
  }
}
