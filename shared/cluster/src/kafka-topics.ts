/** Creates the Kafka topics the pipeline uses, accepting records well above the model's 1 MiB line limit. */
import type { Kafka } from "kafkajs";

export const TOPIC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export async function ensureTopics(kafka: Kafka, topics: readonly string[], partitions = 4): Promise<void> {
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
