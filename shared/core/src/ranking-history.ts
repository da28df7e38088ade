/**
 * The ranking's recent past, for sparklines: one point per minute of the trending
 * clock (the last ranking of each minute), over the last hours. A minute without a
 * point had no change: its ranking is the previous point's. Pure.
 */

export interface HistoryTopic {
  readonly key: string;
  readonly name: string;
  readonly score: number;
}

export interface HistoryPoint {
  /** The trending clock of the ranking this point keeps. */
  readonly asOfMs: number;
  readonly topics: readonly HistoryTopic[];
}

export const HISTORY_RESOLUTION_MS = 60_000;
export const HISTORY_HORIZON_MS = 3 * 3_600_000;

/**
 * The point a served ranking gives, or undefined when it gives none: a stale stand-in repeats
 * a ranking served before. Every other ranking, catching up or not, is exact for its cut and
 * so is the ranking of its `asOfMs` (docs/architecture.md, "Exact cuts").
 */
export function historyPointOf(s: {
  readonly asOfMs: number;
  readonly topics: readonly HistoryTopic[];
  readonly stale?: boolean;
}): HistoryPoint | undefined {
  if (s.stale === true) return undefined;
  return { asOfMs: s.asOfMs, topics: s.topics.map(({ key, name, score }) => ({ key, name, score })) };
}

export const historyBucket = (asOfMs: number, resolutionMs = HISTORY_RESOLUTION_MS): number => Math.floor(asOfMs / resolutionMs);

export class RankingHistory {
  private readonly points = new Map<number, HistoryPoint>();
  private newestBucket = Number.NEGATIVE_INFINITY;

  constructor(
    readonly resolutionMs = HISTORY_RESOLUTION_MS,
    readonly horizonMs = HISTORY_HORIZON_MS,
  ) {}

  /**
   * Keeps `p` as its minute's point unless that minute holds a later ranking or lies
   * beyond the horizon. Returns the buckets that left the horizon (to delete where the
   * points are stored), or undefined when `p` was not kept.
   */
  record(p: HistoryPoint): number[] | undefined {
    const bucket = historyBucket(p.asOfMs, this.resolutionMs);
    if (bucket <= this.newestBucket - this.horizonBuckets()) return undefined;
    const had = this.points.get(bucket);
    if (had !== undefined && had.asOfMs > p.asOfMs) return undefined;
    this.points.set(bucket, { asOfMs: p.asOfMs, topics: p.topics.map(({ key, name, score }) => ({ key, name, score })) });
    if (bucket <= this.newestBucket) return [];
    this.newestBucket = bucket;
    const dropped = [...this.points.keys()].filter((b) => b <= bucket - this.horizonBuckets());
    for (const b of dropped) this.points.delete(b);
    return dropped;
  }

  /** The points, oldest first. */
  list(): HistoryPoint[] {
    return [...this.points.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  }

  get size(): number {
    return this.points.size;
  }

  private horizonBuckets(): number {
    return Math.ceil(this.horizonMs / this.resolutionMs);
  }
}

/**
 * One topic's score per minute from the first point's minute to `untilMs`'s: a minute
 * without a point repeats the previous one (nothing changed), a point without the topic
 * gives null (it was not ranked). For a sparkline.
 */
export function scoreSeries(
  points: readonly HistoryPoint[],
  key: string,
  untilMs: number,
  resolutionMs = HISTORY_RESOLUTION_MS,
): (number | null)[] {
  const first = points[0];
  if (first === undefined) return [];
  const start = historyBucket(first.asOfMs, resolutionMs);
  const end = Math.max(historyBucket(untilMs, resolutionMs), historyBucket(points[points.length - 1]!.asOfMs, resolutionMs));
  const byBucket = new Map(points.map((p) => [historyBucket(p.asOfMs, resolutionMs), p]));
  const out: (number | null)[] = [];
  let current: number | null = null;
  for (let b = start; b <= end; b++) {
    const p = byBucket.get(b);
    if (p !== undefined) current = p.topics.find((t) => t.key === key)?.score ?? null;
    out.push(current);
  }
  return out;
}
