import { describe, expect, it } from "vitest";
import { createMetrics } from "@meetuphype/metrics";
import { RunMetrics } from "../src/run-metrics.js";

describe("run's metrics", () => {
  it("turn the pipeline's running totals into counters that grow by the difference", async () => {
    const m = createMetrics("run");
    const r = new RunMetrics(m);
    const snap = { asOfMs: 1000, topics: [] };
    r.update({ lines: 10, accepted: 8, rejected: { invalid_json: 2 }, ignoredVersions: 1, expiredVersions: 0 }, snap, 2, 3000);
    r.update(
      { lines: 15, accepted: 12, rejected: { invalid_json: 2, missing_field: 1 }, ignoredVersions: 1, expiredVersions: 0 },
      snap,
      1,
      5000,
    );
    const text = await m.text();
    expect(text).toMatch(/^meetuphype_records_total\{stage="ingest",outcome="accepted",service="run"\} 12$/m);
    expect(text).toMatch(/^meetuphype_records_total\{stage="ingest",outcome="rejected",service="run"\} 3$/m);
    expect(text).toMatch(/^meetuphype_rejected_total\{reason="missing_field",service="run"\} 1$/m);
    expect(text).toMatch(/^meetuphype_records_total\{stage="dedup",outcome="duplicate",service="run"\} 1$/m);
    expect(text).toMatch(/^meetuphype_event_time_lag_seconds\{service="run"\} 4$/m);
    expect(text).toMatch(/^meetuphype_watch_streams\{service="run"\} 1$/m);
  });
});
