/**
 * The watermark: how far the data behind the ranking has been processed. Dedup
 * and counter shards report their progress every second (the clock of the last
 * message they handled, and how many messages wait behind it) to `<p>_progress`;
 * the aggregator ranks at no later a `now` than the slowest shard that still has
 * messages waiting, or whose owner has stopped reporting (it died: its stream
 * fills meanwhile). Without it, the ingest clock runs ahead of a lagging shard (a
 * replica replaying after a crash), topics look idle at that `now`, and a partial,
 * even empty, ranking would be served. When nothing waits, the ingest clock stands.
 */
import type { KV } from "nats";
import type { ShardProgress } from "./shard-runner.js";

/**
 * Messages a shard may have waiting and still count as keeping up: in steady flow a few
 * are always in flight, and holding the ranking back for them cost seconds of latency
 * (docs/benchmarks.md); a shard that lags (replaying, or its owner gone) has thousands.
 */
export const PENDING_SLACK = 50;

/** The lowest clock among shards with more than `slack` messages waiting; Infinity when none. Pure. */
export function watermark(progress: Iterable<ShardProgress>, slack = PENDING_SLACK): number {
  let w = Number.POSITIVE_INFINITY;
  for (const p of progress) if (p.pending > slack && p.clock < w) w = p.clock;
  return w;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Writes a replica's shard progress to the bucket, every call (every second: a report is also a sign of life). */
export class ProgressReporter {
  constructor(
    private readonly kv: KV,
    private readonly kind: string,
  ) {}

  async report(progress: ReadonlyMap<number, ShardProgress>): Promise<void> {
    await Promise.all(
      [...progress].map(([shard, p]) =>
        this.kv.put(`${this.kind}.${shard}`, enc.encode(JSON.stringify({ clock: p.clock, pending: p.pending }))),
      ),
    );
  }
}

/** A report older than this comes from an owner that stopped (died, or lost the shard): its shard counts as waiting. */
export const PROGRESS_SILENT_MS = 3000;

/** Follows the bucket (the aggregator): every shard's last reported progress, and when it came. */
export class ProgressFollower {
  private readonly shards = new Map<string, ShardProgress & { at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The watermark over the reports: a silent shard holds it at its last clock. */
  get watermark(): number {
    const t = this.now();
    return watermark(
      [...this.shards.values()].map((p) => (t - p.at > PROGRESS_SILENT_MS ? { clock: p.clock, pending: Number.POSITIVE_INFINITY } : p)),
    );
  }

  /** Messages waiting in all shards' streams, as last reported. */
  get pending(): number {
    let n = 0;
    for (const p of this.shards.values()) n += p.pending;
    return n;
  }

  /**
   * Whether the pipeline is catching up: some shard is behind (more than the slack waiting, or
   * silent; the watermark then holds the ranking), or fewer than `shards` report at all (a shard
   * without an owner: nothing tells how much waits for it).
   */
  catchingUp(shards: number): boolean {
    return this.watermark !== Number.POSITIVE_INFINITY || this.shards.size < shards;
  }

  /** Applies one entry of the bucket. */
  accept(key: string, value: Uint8Array | undefined): void {
    if (value === undefined || value.length === 0) {
      this.shards.delete(key);
      return;
    }
    try {
      const p = JSON.parse(dec.decode(value)) as Partial<ShardProgress>;
      if (typeof p.clock === "number" && typeof p.pending === "number")
        this.shards.set(key, { clock: p.clock, pending: p.pending, at: this.now() });
    } catch {
      // not ours: ignored
    }
  }
}
