import { describe, expect, it } from "vitest";
import { createMetrics } from "../src/index.js";

describe("metrics", () => {
  it("renders the pipeline's metrics and the default ones in the Prometheus text format", async () => {
    const m = createMetrics("ingest");
    m.records.inc({ stage: "ingest", outcome: "accepted" }, 3);
    m.rejected.inc({ reason: "invalid_json" });
    m.kafkaLag.set({ topic: "meetup", partition: "2" }, 17);
    const text = await m.text();
    expect(text).toContain('meetuphype_records_total{stage="ingest",outcome="accepted",service="ingest"} 3');
    expect(text).toContain('meetuphype_rejected_total{reason="invalid_json",service="ingest"} 1');
    expect(text).toContain('meetuphype_kafka_consumer_lag{topic="meetup",partition="2",service="ingest"} 17');
    expect(text).toMatch(/^process_resident_memory_bytes\{service="ingest"\} \d+/m);
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  it("keeps registries apart (one per process, several in one test run)", async () => {
    const a = createMetrics("a");
    createMetrics("b").records.inc({ stage: "x", outcome: "y" });
    expect(await a.text()).not.toContain('stage="x"');
  });
});
