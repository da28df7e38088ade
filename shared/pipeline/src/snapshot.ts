/** A ranking as served: what WatchTrending streams and the console prints. */
import { sameRanking, type RankedTopic } from "@meetuphype/core";

/** Where a ranking's input ends in one partition: the first offset it does not cover. */
export interface CutPosition {
  readonly partition: number;
  readonly next: number;
}

export interface SnapshotTopic extends RankedTopic {
  readonly rank: number;
}

export interface Snapshot {
  /** The trending clock of this ranking. */
  readonly asOfMs: number;
  readonly topics: readonly SnapshotTopic[];
  /** The last complete ranking, served while the pipeline recovers (distributed mode). */
  readonly stale?: boolean;
  /** Records wait behind the cut (the input held them a while ago): the ranking is exact for a cut behind the input. */
  readonly catchingUp?: boolean;
  /** Records in the input beyond the cut, as the input's end was last read. */
  readonly recordsBehind?: number;
  /** The input cut the ranking is exact for: per partition, the first offset it does not cover. */
  readonly cut?: readonly CutPosition[];
  /** The input the cut is in: the Kafka topic, or a file's name. */
  readonly inputTopic?: string;
}

export const emptySnapshot: Snapshot = Object.freeze({ asOfMs: 0, topics: [] });

export function toSnapshot(asOfMs: number, ranked: readonly RankedTopic[]): Snapshot {
  return { asOfMs, topics: ranked.map((t, i) => ({ rank: i + 1, key: t.key, name: t.name, score: t.score })) };
}

/** What is wrong with a ranking, in words; undefined when it is complete and current. */
export function snapshotCaveat(s: Snapshot): string | undefined {
  const parts: string[] = [];
  if (s.stale === true) parts.push("stale: the last complete ranking, served while the pipeline recovers");
  if (s.catchingUp === true)
    parts.push((s.recordsBehind ?? 0) > 0 ? `catching up: ${s.recordsBehind} records behind the input` : "catching up with the input");
  return parts.length === 0 ? undefined : parts.join("; ");
}

/**
 * The original Spark app's console shape: a dashed line, `Time: <ms> ms`, a dashed line, one
 * name per line; a ranking that is stale or catching up says so in a line after `Time:`.
 */
export function formatConsole(s: Snapshot): string {
  const dash = "-".repeat(43);
  const caveat = snapshotCaveat(s);
  return (
    [dash, `Time: ${s.asOfMs} ms`, ...(caveat === undefined ? [] : [`(${caveat})`]), dash, ...s.topics.map((t) => t.name), ""].join("\n") +
    "\n"
  );
}

/**
 * Holds the current snapshot and tells listeners when the ranking changes
 * (topics, names or scores, or whether it is stale or catching up; a moving clock alone is not a change).
 */
export class SnapshotHub {
  private readonly listeners = new Set<(s: Snapshot) => void>();

  private current: Snapshot | undefined;

  /** @param initial the first ranking to serve; `null` (the distributed aggregator): none until the first complete one. */
  constructor(initial: Snapshot | null = emptySnapshot) {
    this.current = initial ?? undefined;
  }

  get snapshot(): Snapshot | undefined {
    return this.current;
  }

  /** Stores `s`; returns whether the ranking changed (and listeners were told). */
  publish(s: Snapshot): boolean {
    const was = this.current;
    const changed =
      was === undefined ||
      !sameRanking(was.topics, s.topics) ||
      (was.stale === true) !== (s.stale === true) ||
      (was.catchingUp === true) !== (s.catchingUp === true);
    this.current = s;
    if (changed) for (const l of this.listeners) l(s);
    return changed;
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
