/**
 * One Kafka batch through ingest: validate, forward valid records to their
 * dedup shards on JetStream, dead-letter the rejected ones in Kafka. Resolves
 * only when every output is acknowledged; transport failures are retried (with
 * heartbeats, so the group keeps the partition) until they succeed or `signal`
 * aborts (shutdown, or the partition was taken away). Only then may the offsets
 * be committed.
 */
import type { JetStreamClient } from "nats";
import type { KafkaMessage, Message, Producer } from "kafkajs";
import type { Logger } from "@meetuphype/actors";
import { encodeDedupBatch, isUnacceptableRecord, retry, type Names } from "@meetuphype/cluster";
import type { IngestLogic, Rejection } from "@meetuphype/pipeline";
import { deadLetter, type RejectedRecord } from "./dead-letter.js";

/** Records per JetStream message at most. */
const MAX_RECORDS = 500;

export interface ForwardTarget {
  readonly js: JetStreamClient;
  readonly names: Names;
  readonly producer: Producer;
  readonly dlqTopic: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Keeps the consumer's group membership alive while an output is retried. */
  readonly heartbeat: () => Promise<void>;
  /** Dead letters the dead-letter topic refused even cut to a preview (counted, logged, never retried). */
  readonly onDeadLetterLost: (source: string, err: unknown) => void;
}

export interface KafkaBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
}

export interface Forwarded {
  /** The batch's trending clock. */
  readonly now: number;
  readonly accepted: number;
  readonly rejections: readonly Rejection[];
}

/** Forwards a batch; resolves once everything is acknowledged. */
export async function forwardBatch(
  logic: IngestLogic,
  t: ForwardTarget,
  batch: KafkaBatch,
  nowOf: (eventNow: number) => number,
): Promise<Forwarded> {
  const { topic, partition, messages } = batch;
  const res = logic.process(messages.map((m) => (m.value === null ? "" : m.value.toString("utf8"))));
  const now = nowOf(res.eventNow);
  const acks: Promise<unknown>[] = [];
  let accepted = 0;
  for (const [shard, records] of res.byShard) {
    accepted += records.length;
    const positions = res.indices.get(shard) ?? [];
    for (let i = 0; i < records.length; i += MAX_RECORDS) {
      const offsets = positions.slice(i, i + MAX_RECORDS).map((j) => Number(messages[j]?.offset));
      // The id names exactly what the message carries (partition, shard, first and last offset):
      // a redelivery of the same records is dropped by JetStream, and records a re-fetch groups
      // differently get a new id and go through (dedup ignores versions it has already seen).
      const msgID = `${topic}-${partition}-${shard}-${offsets[0]}-${offsets[offsets.length - 1]}`;
      const subject = t.names.dedupSubject(shard);
      const bytes = encodeDedupBatch({ now, records: records.slice(i, i + MAX_RECORDS) }, { topic, partition, offsets });
      acks.push(retry(() => t.js.publish(subject, bytes, { msgID }), { what: `publish to ${subject}`, ...retryCommon(t) }));
    }
  }
  if (res.rejections.length > 0) acks.push(sendDeadLetters(t, batch, res.rejections));
  await Promise.all(acks);
  return { now, accepted, rejections: res.rejections };
}

const retryCommon = (t: ForwardTarget) => ({ logger: t.logger, signal: t.signal, between: t.heartbeat });

/** A dead letter cut to this much when the topic refused it whole (an unusually small max.message.bytes). */
const LAST_RESORT_PREVIEW_BYTES = 1024;

async function sendDeadLetters(t: ForwardTarget, batch: KafkaBatch, rejections: readonly Rejection[]): Promise<void> {
  const records = rejections.map((r): RejectedRecord => {
    const m = batch.messages[r.index];
    const source = `${batch.topic}/${batch.partition}/${m?.offset ?? "?"}`;
    return { key: m?.key ?? null, value: m?.value ?? null, reason: r.reason, detail: r.detail, source };
  });
  const letters = records.map((r) => deadLetter(r));
  const send = (messages: Message[], what: string): Promise<unknown> =>
    retry(() => t.producer.send({ topic: t.dlqTopic, messages }), { what, isFinal: isUnacceptableRecord, ...retryCommon(t) });
  try {
    await send(letters, `dead-lettering ${letters.length} records to ${t.dlqTopic}`);
    return;
  } catch (err) {
    if (!isUnacceptableRecord(err)) throw err;
  }
  // The topic refused the batch for its size or content: one at a time, each cut to a preview if need be.
  for (const [i, r] of records.entries()) {
    try {
      await send([letters[i] as Message], `dead-lettering ${r.source}`);
    } catch (err) {
      if (!isUnacceptableRecord(err)) throw err;
      const cut = deadLetter({ ...r, key: null }, LAST_RESORT_PREVIEW_BYTES);
      await send([cut], `dead-lettering ${r.source} cut to a preview`).catch((e: unknown) => {
        if (!isUnacceptableRecord(e)) throw e;
        t.onDeadLetterLost(r.source, e);
      });
    }
  }
}
