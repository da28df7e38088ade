/** Counters of what the pipeline did with its input (see docs/metrics in the README). */
export interface PipelineStats {
  /** Non-blank lines read. */
  lines: number;
  /** Lines that passed validation. */
  accepted: number;
  /** Rejected lines by reason. */
  rejected: Record<string, number>;
  /** Valid records dropped as duplicates or stale versions of a remembered rsvp_id. */
  ignoredVersions: number;
  /** Valid records older than the retention horizon when they arrived (they cannot count). */
  expiredVersions: number;
}

export const emptyStats = (): PipelineStats => ({ lines: 0, accepted: 0, rejected: {}, ignoredVersions: 0, expiredVersions: 0 });

/**
 * What one step of a stage did (a batch validated, a batch deduplicated): the stages return
 * these, and whoever keeps totals or metrics adds them, so nobody diffs running totals.
 */
export interface StageCounts {
  readonly lines?: number;
  readonly accepted?: number;
  readonly rejected?: Readonly<Record<string, number>>;
  readonly ignoredVersions?: number;
  readonly expiredVersions?: number;
}

/** Adds a step's counts to running totals. */
export function addCounts(stats: PipelineStats, c: StageCounts): void {
  stats.lines += c.lines ?? 0;
  stats.accepted += c.accepted ?? 0;
  for (const [reason, n] of Object.entries(c.rejected ?? {})) stats.rejected[reason] = (stats.rejected[reason] ?? 0) + n;
  stats.ignoredVersions += c.ignoredVersions ?? 0;
  stats.expiredVersions += c.expiredVersions ?? 0;
}

/** The counts of a validated batch: its non-blank lines and its rejections by reason. */
export function ingestCounts(lines: number, rejections: readonly { readonly reason: string }[]): StageCounts {
  const rejected: Record<string, number> = {};
  for (const r of rejections) rejected[r.reason] = (rejected[r.reason] ?? 0) + 1;
  return { lines, accepted: lines - rejections.length, rejected };
}
