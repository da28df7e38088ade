/**
 * The Kafka topic settings (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS) against the real
 * single-node broker: one copy is what a single broker keeps, and more is refused at once with
 * an error naming the settings (not retried forever). Three brokers: the 3-node tests (`npm run
 * test:ha`).
 */
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, inject, it } from "vitest";
import { createLogger } from "@meetuphype/log";
import { uniqueName } from "@meetuphype/testkit";
import { ensureTopics, KafkaTopicSettingsError } from "../src/index.js";

const logger = createLogger("warn", "text", () => undefined);

describe("Kafka topic replication settings", () => {
  const kafka = new Kafka({ brokers: [inject("kafkaBrokers")], logLevel: logLevel.NOTHING });
  const brokers = [inject("kafkaBrokers")];

  it("creates topics with the replication factor and min.insync.replicas asked for", async () => {
    const topic = uniqueName("repl-topic");
    await ensureTopics(kafka, [topic], { brokers, secured: false, logger, replicationFactor: 1, minInsyncReplicas: 1 });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(meta?.partitions.every((p) => p.replicas.length === 1)).toBe(true);
      const configs = await admin.describeConfigs({
        resources: [{ type: 2, name: topic, configNames: ["min.insync.replicas"] }],
        includeSynonyms: false,
      });
      expect(configs.resources[0]?.configEntries[0]).toMatchObject({ configName: "min.insync.replicas", configValue: "1" });
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it("stops at once, naming the settings, when the brokers cannot keep that many copies", async () => {
    const topic = uniqueName("repl-topic3");
    const started = Date.now();
    const err = await ensureTopics(kafka, [topic], { brokers, secured: false, logger, replicationFactor: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaTopicSettingsError);
    expect(String(err)).toMatch(new RegExp(`Kafka refused to create ${topic} with replication factor 3 .*Set KAFKA_REPLICATION_FACTOR`));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
