/**
 * Creates the Kafka topics the pipeline uses, accepting records well above the
 * model's 1 MiB line limit. Waits for the broker (a service may start first),
 * with a log line every few seconds that names the address.
 */
import { Partitioners, type Kafka, type Producer } from "kafkajs";
import type { KafkaSecurity } from "@meetuphype/config";
import { kafkaSecured } from "./broker-clients.js";
import type { Logger } from "@meetuphype/actors";
import { retryKafka } from "./kafka-retry.js";

export const TOPIC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface EnsureTopicsOptions {
  readonly brokers: readonly string[];
  /** Whether the client logs in or uses TLS (for the hint when a broker closes the connection). */
  readonly secured: boolean;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Partitions of a topic it creates. @default 4 */
  readonly partitions?: number;
}

export function ensureTopics(kafka: Kafka, topics: readonly string[], o: EnsureTopicsOptions): Promise<void> {
  return retryKafka(() => createMissing(kafka, topics, o.partitions ?? 4), {
    what: `waiting for Kafka at ${o.brokers.join(",")}`,
    brokers: o.brokers,
    secured: o.secured,
    logger: o.logger,
    minMs: 500,
    maxMs: 3000,
    ...(o.signal ? { signal: o.signal } : {}),
  });
}

async function createMissing(kafka: Kafka, topics: readonly string[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        configEntries: [{ name: "max.message.bytes", value: String(TOPIC_MAX_MESSAGE_BYTES) }],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The start of a service that writes to Kafka (the producer, ingest): creates `topics` when
 * missing, then connects a producer; waits for brokers that are away, stops on a refusal.
 */
export async function startProducer(
  kafka: Kafka,
  topics: readonly string[],
  o: Omit<EnsureTopicsOptions, "secured"> & { readonly security: KafkaSecurity },
): Promise<Producer> {
  const secured = kafkaSecured(o.security);
  await ensureTopics(kafka, topics, { ...o, secured });
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await retryKafka(() => producer.connect(), {
    what: `connecting to Kafka at ${o.brokers.join(",")}`,
    brokers: o.brokers,
    secured,
    logger: o.logger,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return producer;
}
