/**
 * NATS_REPLICAS and the Kafka topic settings against the real single-node brokers: one copy
 * is what a single server keeps, and more is refused at once with an error naming the
 * resource and the setting (not retried forever). Three copies on a NATS cluster and three
 * Kafka brokers need the 3-node setup of issue 18, not built yet.
 */
import { connect } from "nats";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, inject, it } from "vitest";
import { createLogger } from "@meetuphype/actors";
import { uniqueName } from "@meetuphype/testkit";
import { ensureResources, ensureTopics, KafkaTopicSettingsError, names, NatsReplicasError } from "../src/index.js";

const logger = createLogger("warn", "text", () => undefined);

describe("NATS_REPLICAS on a single server", () => {
  it("creates every resource with one copy, and refuses three naming the resource and the setting", async () => {
    const nc = await connect({ servers: inject("natsUrl") });
    try {
      const n = names(uniqueName("repl"));
      await ensureResources(nc, n, 1);
      const jsm = await nc.jetstreamManager();
      for (const stream of [n.dedupStream, n.counterStream, `KV_${n.shardsBucket}`, `OBJ_${n.snapshotStore}`])
        expect((await jsm.streams.info(stream)).config.num_replicas).toBe(1);
      // Asked for three, a single server is refused before anything changes (nats-server 2.9 would accept
      // the change on an existing stream without keeping the copies).
      const again = await ensureResources(nc, n, 3).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(NatsReplicasError);
      expect(String(again)).toContain(`NATS refused 3 replicas for the streams of ${n.prefix}: the NATS server `);
      expect(String(again)).toMatch(/is not part of a cluster\. Set NATS_REPLICAS \(--nats-replicas\) to at most/);
      expect((await jsm.streams.info(n.dedupStream)).config.num_replicas).toBe(1);
      for (const name of [n.dedupStream, n.counterStream]) await jsm.streams.delete(name);
    } finally {
      await nc.close();
    }
  });
});

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
