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
  /** Records wait behind the cut: the ranking is exact for a cut behind the input. */
  readonly catchingUp?: boolean;
  /** Records in the input beyond the cut. */
  readonly recordsBehind?: number;
  /** The input cut the ranking is exact for: per partition, the first offset it does not cover. */
  readonly cut?: readonly ServedPosition[];
  /** The input the cut is in: the Kafka topic, or a file's name. */
  readonly inputTopic?: string;
}

/** Where a ranking's input ends in one partition. */
export interface ServedPosition {
  readonly partition: number;
  readonly next: number;
}

/** The current ranking (undefined until there is a complete one), and a way to hear of each change. */
export interface SnapshotSource {
  readonly snapshot: ServedSnapshot | undefined;
  subscribe(listener: (s: ServedSnapshot) => void): () => void;
}

export type ServedParams = TrendingParams;
