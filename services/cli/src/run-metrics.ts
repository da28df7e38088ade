/**
 * The embedded pipeline's metrics (`run --metrics-port`): the same names as the distributed
 * services. Counters grow by what each step of a stage reports (ingest's `StageCounts`, the
 * shards' outcomes); the gauges follow the latest ranking.
 */
import type { Metrics } from "@meetuphype/metrics";
import type { Snapshot, StageCounts } from "@meetuphype/pipeline";

export class RunMetrics {
  constructor(private readonly m: Metrics) {}

  /** Ingest's counts for one batch (dedup's and the counters' come by `outcome`). */
  record(c: StageCounts): void {
    const inc = (stage: string, outcome: string, n: number | undefined): void => {
      if (n !== undefined && n > 0) this.m.records.inc({ stage, outcome }, n);
    };
    inc("ingest", "accepted", c.accepted);
    for (const [reason, n] of Object.entries(c.rejected ?? {})) {
      if (n <= 0) continue;
      this.m.rejected.inc({ reason }, n);
      inc("ingest", "rejected", n);
    }
  }

  /** What a dedup or counter shard reports, as in a replica (`meetuphype_records_total{stage,outcome}`). */
  outcome(stage: string, outcome: string, n: number): void {
    if (n > 0) this.m.records.inc({ stage, outcome }, n);
  }

  /** The gauges, after a ranking. */
  update(snap: Snapshot, watching: number, now: number): void {
    this.m.rankingAge.set(0);
    if (snap.asOfMs > 0) this.m.eventTimeLag.set((now - snap.asOfMs) / 1000);
    this.m.watchStreams.set(watching);
  }
}
