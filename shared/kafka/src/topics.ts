/**
 * Creates the Kafka topics the pipeline uses, accepting records well above the
 * model's 1 MiB line limit. Waits for the broker (a service may start first),
 * with a log line every few seconds that names the address.
 */
import { KnownError } from "@meetuphype/core";
import type { Kafka } from "kafkajs";
import type { Logger } from "@meetuphype/log";
import { retryKafka } from "./retry.js";

export const TOPIC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface EnsureTopicsOptions {
  readonly brokers: readonly string[];
  /** Whether the client logs in or uses TLS (for the hint when a broker closes the connection). */
  readonly secured: boolean;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Partitions of a topic it creates. @default 4 */
  readonly partitions?: number;
  /** Replication factor of a topic it creates (KAFKA_REPLICATION_FACTOR); 0: the brokers' default. @default 0 */
  readonly replicationFactor?: number;
  /** `min.insync.replicas` of a topic it creates (KAFKA_MIN_INSYNC_REPLICAS); 0: the brokers' default. @default 0 */
  readonly minInsyncReplicas?: number;
}

/** The brokers refused a topic's replication settings: retrying cannot fix it. */
export class KafkaTopicSettingsError extends KnownError {
  readonly code = "KAFKA_TOPIC_SETTINGS";
  readonly retriable = false;
  constructor(topics: readonly string[], o: EnsureTopicsOptions, cause: unknown) {
    super(
      `Kafka refused to create ${topics.join(", ")} with replication factor ${o.replicationFactor ?? 0} and min.insync.replicas ` +
        `${o.minInsyncReplicas ?? 0}: ${cause instanceof Error ? cause.message : String(cause)}. Set KAFKA_REPLICATION_FACTOR ` +
        `(--kafka-replication-factor) to at most the number of brokers, and KAFKA_MIN_INSYNC_REPLICAS below it (0: the brokers' defaults).`,
      { cause },
    );
  }
}

/** Kafka's INVALID_REPLICATION_FACTOR (38) and INVALID_CONFIG (40): the settings, not the moment, are wrong. */
const isSettingsRefusal = (err: unknown): boolean => {
  const errors =
    err !== null && typeof err === "object" && "errors" in err && Array.isArray(err.errors) ? (err.errors as unknown[]) : [err];
  return errors.some(
    (e) => e !== null && typeof e === "object" && "type" in e && (e.type === "INVALID_REPLICATION_FACTOR" || e.type === "INVALID_CONFIG"),
  );
};

export function ensureTopics(kafka: Kafka, topics: readonly string[], o: EnsureTopicsOptions): Promise<void> {
  return retryKafka(() => createMissing(kafka, topics, o), {
    what: `waiting for Kafka at ${o.brokers.join(",")}`,
    brokers: o.brokers,
    secured: o.secured,
    logger: o.logger,
    minMs: 500,
    maxMs: 3000,
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

async function createMissing(kafka: Kafka, topics: readonly string[], o: EnsureTopicsOptions): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    const rf = o.replicationFactor ?? 0;
    const isr = o.minInsyncReplicas ?? 0;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: o.partitions ?? 4,
          ...(rf > 0 ? { replicationFactor: rf } : {}),
          configEntries: [
            { name: "max.message.bytes", value: String(TOPIC_MAX_MESSAGE_BYTES) },
            ...(isr > 0 ? [{ name: "min.insync.replicas", value: String(isr) }] : []),
          ],
        })),
      })
      .catch((err: unknown) => {
        throw isSettingsRefusal(err) ? new KafkaTopicSettingsError(missing, o, err) : err;
      });
  } finally {
    await admin.disconnect();
  }
}
