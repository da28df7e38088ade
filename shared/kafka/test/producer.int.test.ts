/**
 * The services' idempotent producer against the real broker: every message of a batch spread
 * over partitions arrives once, and the producer sends on after retention deleted every record
 * it wrote. (Starting over under a new producer id, when the broker forgot the producer after a
 * day without writes, is unit-tested with a fake kafkajs: producer.test.ts.)
 */
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, inject, it } from "vitest";
import { createLogger } from "@meetuphype/log";
import { readTopic, uniqueName } from "@meetuphype/testkit";
import { ensureTopics, RecordProducer } from "../src/index.js";

const lines: string[] = [];
const logger = createLogger("warn", "text", (line) => lines.push(line));
const brokers = [inject("kafkaBrokers")];
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
const values = async (topic: string): Promise<string[]> =>
  (await readTopic(brokers.join(","), topic)).map((r) => r.value?.toString("utf8") ?? "");

describe("RecordProducer", () => {
  it("sends every message of a batch spread over partitions once, and sends on after its records were deleted", async () => {
    const topic = uniqueName("idem");
    await ensureTopics(kafka, [topic], { brokers, secured: false, logger, partitions: 3 });
    const producer = new RecordProducer(kafka, logger);
    await producer.connect();
    try {
      const first = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `a${i}` }));
      await producer.send(topic, first);
      expect((await values(topic)).sort()).toEqual(first.map((m) => m.value).sort());

      // As retention would: the log starts after every record this producer wrote.
      const admin = kafka.admin();
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs deletes only with the metadata loaded
      await admin.deleteTopicRecords({ topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: "-1" })) });
      await admin.disconnect();
      const second = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `b${i}` }));
      await producer.send(topic, second);
      expect((await values(topic)).sort()).toEqual(second.map((m) => m.value).sort());
      expect(lines.filter((l) => /warn|error/.test(l))).toEqual([]);
    } finally {
      await producer.disconnect();
    }
  });
});
