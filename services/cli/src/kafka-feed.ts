/**
 * Embedded mode fed from Kafka (the original app's shape): a kafkajs consumer
 * pushes each batch into the in-process pipeline. Offsets are never committed:
 * the pipeline's state lives in memory, so every start replays the topic from
 * the beginning and rebuilds the exact ranking. With `untilEnd`, it stops once
 * every partition has been read up to its end offset at start.
 */
import type { Consumer } from "kafkajs";
import type { Logger } from "@meetuphype/log";
import type { KafkaSecurity } from "@meetuphype/config";
import { connectionError } from "@meetuphype/control-plane";
import { createKafka, kafkaSecured } from "@meetuphype/kafka";
import type { Sink } from "./feed.js";

export interface KafkaFeedOptions {
  readonly brokers: string[];
  readonly topic: string;
  readonly groupId: string;
  readonly untilEnd: boolean;
  readonly security: KafkaSecurity;
}

export async function feedKafka(sink: Sink, o: KafkaFeedOptions, logger: Logger, signal: AbortSignal): Promise<number> {
  const kafka = createKafka({ clientId: "meetuphype-run", brokers: o.brokers, security: o.security, logger });
  const admin = kafka.admin();
  await admin.connect().catch((err: unknown) => {
    throw connectionError("Kafka", o.brokers.join(","), err, { secured: kafkaSecured(o.security) });
  });
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(o.topic)) ends.set(p.partition, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  const consumer: Consumer = kafka.consumer({ groupId: o.groupId, maxBytesPerPartition: 8 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  let lines = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  if (o.untilEnd && remaining.size === 0) finish();
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const values = batch.messages.map((m) => (m.value === null ? "" : m.value.toString("utf8")));
      // Placed at their Kafka offsets: the rankings' cuts name the topic's partitions and offsets.
      await sink.push(values, { partition: batch.partition, offsets: batch.messages.map((m) => Number(m.offset)) });
      lines += values.length;
      const high = ends.get(batch.partition) ?? 0n;
      if (BigInt(batch.lastOffset()) + 1n >= high) remaining.delete(batch.partition);
      if (o.untilEnd && remaining.size === 0) finish();
    },
  });
  logger.info("reading Kafka", { brokers: o.brokers.join(","), topic: o.topic, group: o.groupId });
  await Promise.race([
    o.untilEnd ? finished : new Promise<void>(() => undefined),
    new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
  ]);
  await consumer.disconnect();
  return lines;
}
