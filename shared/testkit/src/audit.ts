/**
 * Counting what arrived: which Kafka records (partition, offset) reached the
 * dedup stream, against which valid records the topic holds. "Nothing lost"
 * means every valid record's position is in the stream; "nothing extra" that no
 * rejected one is. A position there twice is a redelivery, absorbed by dedup.
 */
import { Kafka, logLevel } from "kafkajs";
import { connect, consumerOpts } from "nats";
import { decodeDedupBatch } from "@meetuphype/control-plane";
import { referenceRejection } from "./reference-model.js";
import { uniqueName } from "./infra.js";

export interface KafkaRecord {
  readonly partition: number;
  readonly offset: number;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Every record of `topic`, read from the beginning to the end offsets as they are now. */
export async function readTopic(brokers: string, topic: string): Promise<KafkaRecord[]> {
  const kafka = new Kafka({ brokers: brokers.split(","), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const want = new Map(ends.map((e) => [e.partition, Number(e.high)]));
  const out: KafkaRecord[] = [];
  const reached = new Set([...want].filter(([, high]) => high === 0).map(([p]) => p));
  if (reached.size === want.size) return out;
  const consumer = kafka.consumer({ groupId: uniqueName("audit"), maxBytesPerPartition: 16 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: ({ partition, message }) => {
          const offset = Number(message.offset);
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          if (offset < (want.get(partition) ?? 0)) out.push({ partition, offset, value: message.value, headers });
          if (offset + 1 >= (want.get(partition) ?? 0)) reached.add(partition);
          if (reached.size === want.size) resolve();
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

/** Every Kafka position carried by the dedup stream `stream`, with how often. */
export async function dedupStreamPositions(natsUrl: string, stream: string, subjects: string): Promise<Map<string, number>> {
  const nc = await connect({ servers: natsUrl.split(",") });
  try {
    const last = (await (await nc.jetstreamManager()).streams.info(stream)).state.last_seq;
    const seen = new Map<string, number>();
    if (last === 0) return seen;
    const opts = consumerOpts();
    opts.orderedConsumer();
    opts.deliverAll();
    const sub = await nc.jetstream().subscribe(subjects, opts);
    for await (const m of sub) {
      const b = decodeDedupBatch(m.data);
      for (const o of b.offsets) {
        const k = `${b.partition}:${o}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
      if (m.seq >= last) break;
    }
    sub.unsubscribe();
    return seen;
  } finally {
    await nc.close();
  }
}

export interface DeliveryAudit {
  /** Valid records in the topic. */
  readonly valid: number;
  /** Valid records that never reached the dedup stream (must be 0). */
  readonly missing: string[];
  /** Positions in the stream that are not valid records (must be 0). */
  readonly unexpected: string[];
  /** Records that reached the stream more than once (redeliveries; dedup absorbs them). */
  readonly redelivered: number;
}

/** Compares the topic's valid records with what reached the dedup stream. */
export async function auditDelivery(o: { kafkaBrokers: string; topic: string; natsUrl: string; prefix: string }): Promise<DeliveryAudit> {
  const records = await readTopic(o.kafkaBrokers, o.topic);
  const valid = new Set<string>();
  for (const r of records) {
    const line = r.value === null ? "" : r.value.toString("utf8");
    const l = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (l.trim() !== "" && referenceRejection(l) === undefined) valid.add(`${r.partition}:${r.offset}`);
  }
  const seen = await dedupStreamPositions(o.natsUrl, `${o.prefix}_dedup`, `${o.prefix}.dedup.*`);
  const missing = [...valid].filter((k) => !seen.has(k));
  const unexpected = [...seen.keys()].filter((k) => !valid.has(k));
  let redelivered = 0;
  for (const n of seen.values()) if (n > 1) redelivered += n - 1;
  return { valid: valid.size, missing, unexpected, redelivered };
}
