/**
 * The embedded pipeline's metrics (`run --metrics-port`): the same names as the
 * distributed services, fed from the pipeline's running totals. Counters grow by
 * the difference since the last update.
 */
import type { Metrics } from "@meetuphype/metrics";
import { emptyStats, type PipelineStats, type Snapshot } from "@meetuphype/pipeline";

export class RunMetrics {
  private last: PipelineStats = emptyStats();

  constructor(private readonly m: Metrics) {}

  update(stats: PipelineStats, snap: Snapshot, watching: number, now: number): void {
    const inc = (stage: string, outcome: string, total: number, before: number): void => {
      if (total > before) this.m.records.inc({ stage, outcome }, total - before);
    };
    inc("ingest", "accepted", stats.accepted, this.last.accepted);
    inc("dedup", "duplicate", stats.ignoredVersions, this.last.ignoredVersions);
    inc("dedup", "expired", stats.expiredVersions, this.last.expiredVersions);
    for (const [reason, n] of Object.entries(stats.rejected)) {
      const before = this.last.rejected[reason] ?? 0;
      if (n > before) {
        this.m.rejected.inc({ reason }, n - before);
        this.m.records.inc({ stage: "ingest", outcome: "rejected" }, n - before);
      }
    }
    this.last = { ...stats, rejected: { ...stats.rejected } };
    this.m.rankingAge.set(0);
    if (snap.asOfMs > 0) this.m.eventTimeLag.set((now - snap.asOfMs) / 1000);
    this.m.watchStreams.set(watching);
  }
}
