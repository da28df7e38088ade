/** What the server needs from the pipeline, structurally (no dependency on the pipeline package). */
import type { TrendingParams } from "@meetuphype/core";

export interface ServedTopic {
  readonly rank: number;
  readonly key: string;
  readonly name: string;
  readonly score: number;
}

export interface ServedSnapshot {
  readonly asOfMs: number;
  readonly topics: readonly ServedTopic[];
  /** The last complete ranking, served while the pipeline recovers. */
  readonly stale?: boolean;
  /** Some shard is behind: exact at `asOfMs`, which is held back (distributed mode). */
  readonly catchingUp?: boolean;
  /** Messages waiting in the shards' streams when the ranking was asked for. */
  readonly pendingMessages?: number;
}

/** The current ranking (undefined until there is a complete one), and a way to hear of each change. */
export interface SnapshotSource {
  readonly snapshot: ServedSnapshot | undefined;
  subscribe(listener: (s: ServedSnapshot) => void): () => void;
}

export type ServedParams = TrendingParams;
