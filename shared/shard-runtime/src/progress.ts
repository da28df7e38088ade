/**
 * Shard progress, for `meetuphype status`: every second each dedup and counter
 * replica reports, per owned shard, the clock of the last message it handled and
 * how many wait behind it (`<p>_progress`). Rankings do not depend on it: every
 * ranking is exact for its cut (docs/architecture.md, "Exact cuts"); status uses it
 * to name shards that are behind or whose owner went silent.
 */
import type { KV } from "nats";
import { encodeProgress, progressKey, type ShardKind } from "@meetuphype/control-plane";
import type { ShardProgress } from "./shard-logic.js";

/** Messages a shard may have waiting and still count as keeping up (a few are always in flight). */
export const PENDING_SLACK = 50;

/** A report older than this comes from an owner that stopped (died, or lost the shard). */
export const PROGRESS_SILENT_MS = 3000;

/** Writes a replica's shard progress to the bucket, every call (every second: a report is also a sign of life). */
export class ProgressReporter {
  constructor(
    private readonly kv: KV,
    private readonly kind: ShardKind,
  ) {}

  async report(progress: ReadonlyMap<number, ShardProgress>): Promise<void> {
    await Promise.all([...progress].map(([shard, p]) => this.kv.put(progressKey(this.kind, shard), encodeProgress(p))));
  }
}
