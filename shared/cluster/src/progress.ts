/**
 * The watermark: how far the data behind the ranking has been processed. Dedup
 * shards report their progress (the clock of the last message they handled, and
 * how many messages wait behind it) to `<p>_progress`; the aggregator ranks at
 * no later a `now` than the slowest shard that still has messages waiting. Without
 * it, the ingest clock runs ahead of a lagging dedup (a replica replaying after a
 * crash), topics look idle at that `now`, and a partial, even empty, ranking would
 * be served. When no shard has messages waiting, the ingest clock stands.
 */
import type { KV } from "nats";
import type { ShardProgress } from "./shard-runner.js";

/** The lowest clock among shards with messages waiting; Infinity when none waits. Pure. */
export function watermark(progress: Iterable<ShardProgress>): number {
  let w = Number.POSITIVE_INFINITY;
  for (const p of progress) if (p.pending > 0 && p.clock < w) w = p.clock;
  return w;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Writes a replica's shard progress to the bucket, only what changed. */
export class ProgressReporter {
  private readonly last = new Map<number, string>();

  constructor(
    private readonly kv: KV,
    private readonly kind: string,
  ) {}

  async report(progress: ReadonlyMap<number, ShardProgress>): Promise<void> {
    for (const [shard, p] of progress) {
      const v = JSON.stringify({ clock: p.clock, pending: p.pending });
      if (this.last.get(shard) === v) continue;
      await this.kv.put(`${this.kind}.${shard}`, enc.encode(v));
      this.last.set(shard, v);
    }
    for (const shard of [...this.last.keys()]) if (!progress.has(shard)) this.last.delete(shard);
  }
}

/** Follows the bucket (the aggregator): every shard's last reported progress. */
export class ProgressFollower {
  private readonly shards = new Map<string, ShardProgress>();

  /** The watermark over the dedup shards' reports. */
  get watermark(): number {
    return watermark([...this.shards].filter(([k]) => k.startsWith("dedup.")).map(([, p]) => p));
  }

  /** Applies one entry of the bucket. */
  accept(key: string, value: Uint8Array | undefined): void {
    if (value === undefined || value.length === 0) {
      this.shards.delete(key);
      return;
    }
    try {
      const p = JSON.parse(dec.decode(value)) as Partial<ShardProgress>;
      if (typeof p.clock === "number" && typeof p.pending === "number") this.shards.set(key, { clock: p.clock, pending: p.pending });
    } catch {
      // not ours: ignored
    }
  }
}
