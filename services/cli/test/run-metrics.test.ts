import { describe, expect, it } from "vitest";
import { FakeClock } from "@meetuphype/actors";
import { silentLogger } from "@meetuphype/log";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { createMetrics } from "@meetuphype/metrics";
import { SyntheticSource } from "@meetuphype/pipeline";
import { EmbeddedPipeline } from "@meetuphype/stage-shards";
import { RunMetrics } from "../src/run-metrics.js";

const counter = (text: string, name: string, labels: string): number => {
  const m = new RegExp(`^${name}\\{${labels},service="run"\\} (\\d+)$`, "m").exec(text);
  return m === null ? 0 : Number(m[1]);
};

describe("run's metrics", () => {
  it("grow by what each step of the pipeline reports, and so equal its totals", async () => {
    const m = createMetrics("run");
    const r = new RunMetrics(m);
    const p = new EmbeddedPipeline({
      params: DEFAULT_PARAMS,
      clock: new FakeClock(0),
      logger: silentLogger,
      dedupShards: 3,
      counterShards: 4,
      onCounts: (c) => r.record(c),
      onOutcome: (stage, outcome, n) => r.outcome(stage, outcome, n),
    });
    const src = new SyntheticSource({ seed: 3, rate: 20, malformedRate: 0.05 });
    for (let i = 0; i < 10; i++) await p.push(Array.from({ length: 200 }, () => src.next()));
    await p.drain();
    r.update(await p.rank(), 1, 0);
    await p.stop();
    const text = await m.text();
    const { accepted, rejected, ignoredVersions } = p.stats;
    expect(accepted).toBeGreaterThan(0);
    expect(ignoredVersions).toBeGreaterThan(0);
    expect(Object.keys(rejected).length).toBeGreaterThan(0);
    expect(counter(text, "meetuphype_records_total", 'stage="ingest",outcome="accepted"')).toBe(accepted);
    expect(counter(text, "meetuphype_records_total", 'stage="dedup",outcome="duplicate"')).toBe(ignoredVersions);
    // The shards' other outcomes, as a replica reports them: every accepted record is applied, a
    // duplicate or expired; every delta dedup forwards is applied by its counter shard (the ranking
    // took them all in).
    const applied = counter(text, "meetuphype_records_total", 'stage="dedup",outcome="applied"');
    const expired = counter(text, "meetuphype_records_total", 'stage="dedup",outcome="expired"');
    expect(applied).toBeGreaterThan(0);
    expect(applied + ignoredVersions + expired).toBe(accepted);
    const forwarded = counter(text, "meetuphype_records_total", 'stage="dedup",outcome="deltas_forwarded"');
    expect(forwarded).toBeGreaterThan(0);
    expect(counter(text, "meetuphype_records_total", 'stage="counter",outcome="deltas_applied"')).toBe(forwarded);
    const allRejected = Object.values(rejected).reduce((a, b) => a + b, 0);
    expect(counter(text, "meetuphype_records_total", 'stage="ingest",outcome="rejected"')).toBe(allRejected);
    for (const [reason, n] of Object.entries(rejected)) expect(counter(text, "meetuphype_rejected_total", `reason="${reason}"`)).toBe(n);
    expect(text).toMatch(/^meetuphype_watch_streams\{service="run"\} 1$/m);
  });
});
