/**
 * The pipeline's metrics, in one place: every service creates one `Metrics` and
 * serves `text()` on `GET /metrics` (Prometheus text format, with prom-client's
 * default process and Node metrics). The names and labels are listed in
 * docs/architecture.md ("Metrics"); a service sets only those that apply to it.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  readonly registry: Registry;
  /** Records by stage and outcome (ingest: accepted, rejected; dedup: new, updated, duplicate, expired; forwarded). */
  readonly records: Counter<"stage" | "outcome">;
  readonly rejected: Counter<"reason">;
  /** Messages in a Kafka partition after what ingest has handled. */
  readonly kafkaLag: Gauge<"topic" | "partition">;
  /** Messages in a shard's stream not yet handled by its owner. */
  readonly shardPending: Gauge<"kind" | "shard">;
  readonly shardsOwned: Gauge<"kind">;
  /** Time from the start of a shard's hand-over to its lease being freed. */
  readonly handover: Histogram;
  readonly snapshotAge: Gauge<"kind" | "shard">;
  /** Wall time since the aggregator's last complete ranking. */
  readonly rankingAge: Gauge;
  /** Wall clock minus the served ranking's `now`. */
  readonly eventTimeLag: Gauge;
  readonly watchStreams: Gauge;
  /** The board: open event streams, and events a slow viewer never got because a newer one replaced them. */
  readonly boardViewers: Gauge;
  readonly boardReplaced: Counter;
  readonly contentType: string;
  text(): Promise<string>;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    registry,
    records: new Counter({
      name: "meetuphype_records_total",
      help: "Records by stage and outcome",
      labelNames: ["stage", "outcome"],
      registers: r,
    }),
    rejected: new Counter({ name: "meetuphype_rejected_total", help: "Rejected records by reason", labelNames: ["reason"], registers: r }),
    kafkaLag: new Gauge({
      name: "meetuphype_kafka_consumer_lag",
      help: "Records in a partition after the last one ingest handled",
      labelNames: ["topic", "partition"],
      registers: r,
    }),
    shardPending: new Gauge({
      name: "meetuphype_shard_pending_messages",
      help: "Messages in a shard's stream not yet handled",
      labelNames: ["kind", "shard"],
      registers: r,
    }),
    shardsOwned: new Gauge({ name: "meetuphype_shards_owned", help: "Shards this replica owns", labelNames: ["kind"], registers: r }),
    handover: new Histogram({
      name: "meetuphype_handover_seconds",
      help: "Time to hand a shard over (drain, snapshot, free the lease)",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
      registers: r,
    }),
    snapshotAge: new Gauge({
      name: "meetuphype_snapshot_age_seconds",
      help: "Seconds since a shard's last saved snapshot",
      labelNames: ["kind", "shard"],
      registers: r,
    }),
    rankingAge: new Gauge({ name: "meetuphype_ranking_age_seconds", help: "Seconds since the last complete ranking", registers: r }),
    eventTimeLag: new Gauge({
      name: "meetuphype_event_time_lag_seconds",
      help: "Wall clock minus the served ranking's trending clock",
      registers: r,
    }),
    watchStreams: new Gauge({ name: "meetuphype_watch_streams", help: "Open WatchTrending streams", registers: r }),
    boardViewers: new Gauge({ name: "meetuphype_board_viewers", help: "Open event streams of the board", registers: r }),
    boardReplaced: new Counter({
      name: "meetuphype_board_events_replaced_total",
      help: "Events a slow viewer never got because a newer one replaced them",
      registers: r,
    }),
    contentType: registry.contentType,
    text: () => registry.metrics(),
  };
}
export * from "./health.js";
