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
