/**
 * Aggregator: collects every counter shard's top-K for one rank request and
 * merges them into the global top-N. A shard's list replaces its previous one,
 * so a topic that left a shard's top-K leaves the ranking too.
 */
import { mergeTopK } from "@meetuphype/core";
import type { ShardTopK } from "../messages.js";
import { toSnapshot, type Snapshot } from "../snapshot.js";

export class AggregatorLogic {
  private readonly pending = new Map<number, Map<number, ShardTopK>>();

  constructor(
    private readonly counterShards: number,
    private readonly topN: number,
  ) {}

  /** Records a shard's answer; returns the merged snapshot once all shards answered `seq`. */
  accept(msg: ShardTopK): Snapshot | undefined {
    let answers = this.pending.get(msg.seq);
    if (answers === undefined) {
      answers = new Map();
      this.pending.set(msg.seq, answers);
    }
    // Two answers for one shard: the one from the later lease epoch (the shard's current owner) wins.
    const prev = answers.get(msg.shard);
    if (prev !== undefined && (prev.epoch ?? 0) > (msg.epoch ?? 0)) return undefined;
    answers.set(msg.shard, msg);
    if (answers.size < this.counterShards) return undefined;
    this.pending.delete(msg.seq);
    // Older requests can no longer complete usefully: the newer answer supersedes them.
    for (const seq of this.pending.keys()) if (seq < msg.seq) this.pending.delete(seq);
    return toSnapshot(
      msg.now,
      mergeTopK(
        [...answers.values()].map((a) => a.topics),
        this.topN,
      ),
    );
  }
}
