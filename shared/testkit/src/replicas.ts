/** Where replicated data lives on a broker cluster: for the tests that kill the node leading it. */
import { Kafka, logLevel } from "kafkajs";
import { connect } from "nats";

/** A JetStream stream's replica count and the server that leads it (its `server_name`). */
export async function streamPlacement(natsUrl: string, stream: string): Promise<{ replicas: number; leader: string | undefined }> {
  const nc = await connect({ servers: natsUrl.split(",") });
  try {
    const info = await (await nc.jetstreamManager()).streams.info(stream);
    return { replicas: info.config.num_replicas, leader: info.cluster?.leader };
  } finally {
    await nc.close();
  }
}

/** Each partition of a topic: its leader's node id and how many replicas it has. */
export async function partitionPlacement(
  kafkaBrokers: string,
  topic: string,
): Promise<{ partition: number; leader: number; replicas: number }[]> {
  const admin = new Kafka({ brokers: kafkaBrokers.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const t = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0];
    return (t?.partitions ?? []).map((q) => ({ partition: q.partitionId, leader: q.leader, replicas: q.replicas.length }));
  } finally {
    await admin.disconnect();
  }
}
