/**
 * The embedded pipeline's metrics (`run --metrics-port`): the same names as the distributed
 * services. Counters grow by what each step of a stage reports (`StageCounts`); the gauges
 * follow the latest ranking.
 */
import type { Metrics } from "@meetuphype/metrics";
import type { Snapshot, StageCounts } from "@meetuphype/pipeline";

export class RunMetrics {
  constructor(private readonly m: Metrics) {}

  /** One step's counts (a batch validated, a batch deduplicated). */
  record(c: StageCounts): void {
    const inc = (stage: string, outcome: string, n: number | undefined): void => {
      if (n !== undefined && n > 0) this.m.records.inc({ stage, outcome }, n);
    };
    inc("ingest", "accepted", c.accepted);
    inc("dedup", "duplicate", c.ignoredVersions);
    inc("dedup", "expired", c.expiredVersions);
    for (const [reason, n] of Object.entries(c.rejected ?? {})) {
      if (n <= 0) continue;
      this.m.rejected.inc({ reason }, n);
      inc("ingest", "rejected", n);
    }
  }

  /** The gauges, after a ranking. */
  update(snap: Snapshot, watching: number, now: number): void {
    this.m.rankingAge.set(0);
    if (snap.asOfMs > 0) this.m.eventTimeLag.set((now - snap.asOfMs) / 1000);
    this.m.watchStreams.set(watching);
  }
}
