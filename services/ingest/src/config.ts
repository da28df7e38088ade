/** The ingest service's configuration, parsed once from flags and environment variables. */
import {
  kafkaFrom,
  type KafkaConfig,
  SERVICE_OPTIONS,
  baseFrom,
  natsFrom,
  natsResourcesFrom,
  NATS_REPLICAS,
  type NatsResourceConfig,
  kafkaTopicFrom,
  KAFKA_TOPIC_OPTIONS,
  type KafkaTopicConfig,
  type BaseConfig,
  type NatsConfig,
  KAFKA_OPTIONS,
  MODEL_OPTIONS,
  NATS_OPTIONS,
  num,
  paramsFrom,
  parseOptions,
  intIn,
  SHARD_OPTIONS,
  str,
  type OptionSpec,
} from "@meetuphype/config";
import type { TrendingParams } from "@meetuphype/core";

export const INGEST_OPTIONS = [
  ...KAFKA_OPTIONS,
  ...KAFKA_TOPIC_OPTIONS,
  {
    flag: "kafka-group-id",
    env: "KAFKA_GROUP_ID",
    type: "string",
    default: "ingest",
    help: "consumer group (NAME_PREFIX is put in front)",
  },
  {
    flag: "kafka-dlq-topic",
    env: "KAFKA_DLQ_TOPIC",
    type: "string",
    help: "dead-letter topic (default: <topic>.dlq)",
    derived: { from: "--kafka-topic", value: (v) => `${String(v["kafka-topic"] ?? "meetup")}.dlq` },
  },
  {
    flag: "kafka-fetch-wait-ms",
    env: "KAFKA_FETCH_WAIT_MS",
    type: "int",
    default: 50,
    help: "longest a fetch waits at the broker for records (lower: records sooner; higher: fewer, larger batches)",
    check: intIn(0, 10_000),
  },
  ...NATS_OPTIONS,
  NATS_REPLICAS,
  ...SHARD_OPTIONS,
  ...MODEL_OPTIONS,
  ...SERVICE_OPTIONS,
] as const satisfies readonly OptionSpec[];

export interface IngestConfig extends BaseConfig, NatsConfig, KafkaConfig, NatsResourceConfig, KafkaTopicConfig {
  readonly topic: string;
  readonly groupId: string;
  readonly dlqTopic: string;
  /** The longest a fetch waits for records at the broker (Kafka's fetch.max.wait.ms). */
  readonly fetchWaitMs: number;
  readonly dedupShards: number;
  readonly params: TrendingParams;
  readonly healthPort: number;
  readonly healthHost: string;
}

export function ingestConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const { values: v } = parseOptions(INGEST_OPTIONS, argv, env);
  const topic = str(v, "kafka-topic") ?? "meetup";
  const { prefix } = natsFrom(v);
  return {
    ...baseFrom(v),
    ...natsFrom(v),
    ...natsResourcesFrom(v),
    ...kafkaTopicFrom(v),
    ...kafkaFrom(v),
    topic,
    groupId: `${prefix}.${str(v, "kafka-group-id") ?? "ingest"}`,
    dlqTopic: str(v, "kafka-dlq-topic") ?? `${topic}.dlq`,
    fetchWaitMs: num(v, "kafka-fetch-wait-ms"),
    dedupShards: num(v, "dedup-shards"),
    params: paramsFrom(v),
    healthPort: num(v, "health-port"),
    healthHost: str(v, "health-host") ?? "0.0.0.0",
  };
}
