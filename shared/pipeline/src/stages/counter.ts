/** Counter: one shard of topic keys; one entity per topic; answers rank requests with its top-K. */
import { TopicCounts, type TopicState, type TrendingParams } from "@meetuphype/core";
import type { CounterMessage, ShardTopK } from "../messages.js";

export type CounterSnapshot = { readonly clock: number; readonly topics: readonly (readonly [string, TopicState])[] };

export class CounterLogic {
  private readonly counts: TopicCounts;

  constructor(
    readonly shard: number,
    params: Pick<TrendingParams, "windowDays" | "idleMinutes" | "decay">,
    snapshot?: CounterSnapshot,
  ) {
    this.counts = new TopicCounts(params);
    if (snapshot !== undefined) {
      this.counts.advance(snapshot.clock);
      for (const [k, t] of snapshot.topics) this.counts.restore(k, t);
    }
  }

  /** Applies deltas, or answers a rank request (returned). */
  handle(msg: CounterMessage): ShardTopK | undefined {
    this.counts.advance(msg.now);
    if (msg.kind === "deltas") {
      for (const d of msg.deltas) this.counts.apply(d);
      return undefined;
    }
    this.counts.prune();
    return { shard: this.shard, seq: msg.seq, now: msg.now, topics: this.counts.top(msg.k) };
  }

  get size(): number {
    return this.counts.size;
  }

  /** The largest trending time the shard has seen. */
  get clock(): number {
    return this.counts.clock;
  }

  snapshot(): CounterSnapshot {
    return { clock: this.counts.clock, topics: [...this.counts.entries()] };
  }
}
