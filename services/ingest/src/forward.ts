/**
 * One Kafka batch through ingest: validate, forward valid records to their
 * dedup shards on JetStream (acknowledged), dead-letter the rejected ones in
 * Kafka with the reason in a header. Only then may the offsets be committed.
 */
import type { JetStreamClient } from "nats";
import type { KafkaMessage, Producer } from "kafkajs";
import { encodeDedupBatch, type Names } from "@meetuphype/cluster";
import type { IngestLogic } from "@meetuphype/pipeline";

/** Records per JetStream message at most. */
const MAX_RECORDS = 500;

export interface ForwardTarget {
  readonly js: JetStreamClient;
  readonly names: Names;
  readonly producer: Producer;
  readonly dlqTopic: string;
}

/** Forwards a batch; resolves with the batch's event clock once everything is acknowledged. */
export async function forwardBatch(
  logic: IngestLogic,
  t: ForwardTarget,
  source: { topic: string; partition: number },
  messages: readonly KafkaMessage[],
  nowOf: (eventNow: number) => number,
): Promise<number> {
  const lines = messages.map((m) => (m.value === null ? "" : m.value.toString("utf8")));
  const res = logic.process(lines);
  const now = nowOf(res.eventNow);
  const first = messages[0]?.offset ?? "0";
  const acks: Promise<unknown>[] = [];
  for (const [shard, records] of res.byShard) {
    for (let i = 0; i < records.length; i += MAX_RECORDS) {
      // The id makes a redelivered batch (same first offset) harmless within the duplicate window;
      // beyond it, dedup ignores versions it has already seen.
      const msgID = `${source.topic}-${source.partition}-${first}-${shard}-${i}`;
      acks.push(
        t.js.publish(t.names.dedupSubject(shard), encodeDedupBatch({ now, records: records.slice(i, i + MAX_RECORDS) }), { msgID }),
      );
    }
  }
  if (res.rejections.length > 0) {
    acks.push(
      t.producer.send({
        topic: t.dlqTopic,
        messages: res.rejections.map((r) => {
          const m = messages[r.index];
          return {
            key: m?.key ?? null,
            value: m?.value ?? null,
            headers: { reason: r.reason, detail: r.detail, source: `${source.topic}/${source.partition}/${m?.offset ?? "?"}` },
          };
        }),
      }),
    );
  }
  await Promise.all(acks);
  return now;
}
