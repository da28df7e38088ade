/**
 * One Kafka batch through ingest: validate, forward valid records to their
 * dedup shards on JetStream, dead-letter the rejected ones in Kafka. Every dedup
 * shard gets a message, with records or without: its `through` mark says the
 * shard now has all its records of the partition up to the batch's end, with the
 * partition's event clock there (the exact cuts start here). The sends resolve
 * only when every output is acknowledged; transport failures are retried (with
 * heartbeats, so the group keeps the partition) until they succeed or `signal`
 * aborts (shutdown, or the partition was taken away). Only then may the offsets
 * be committed.
 */
import type { Mark } from "@meetuphype/core";
import type { KafkaMessage, Message } from "kafkajs";
import type { Logger } from "@meetuphype/log";
import { DedupBatchBuilder, retry, type JetStreamPublisher, type Names } from "@meetuphype/control-plane";
import { isUnacceptableRecord, type RecordProducer } from "@meetuphype/kafka";
import { byteLines, type IngestLogic, type Rejection } from "@meetuphype/pipeline";
import { deadLetter, type RejectedRecord } from "./dead-letter.js";

const NO_VALUE = Buffer.alloc(0);

/** Records per JetStream message at most. */
export const MAX_RECORDS = 1000;

export interface ForwardTarget {
  readonly publisher: JetStreamPublisher;
  readonly names: Names;
  readonly producer: RecordProducer;
  readonly dlqTopic: string;
  readonly dedupShards: number;
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

/** One Kafka batch as ingest sends it on: each dedup shard's messages, the batch's mark and its rejections. */
export interface BatchOutput {
  /** Per dedup shard, its messages in order (at most MAX_RECORDS records each; at least one, for the mark). */
  readonly parts: readonly (readonly DedupBatchBuilder[])[];
  /** Where the partition is covered after the batch, and its event clock there. */
  readonly through: Mark;
  /** The batch's first and last offsets (the message ids name them). */
  readonly first: number;
  readonly last: number;
  readonly lines: number;
  readonly accepted: number;
  readonly rejections: readonly Rejection[];
}

/**
 * Validates a batch and writes each valid record straight into its dedup shard's message, as it
 * is parsed. Each Kafka value is read from its bytes (`readRsvpBytes`), and decoded only if
 * that leaves it to `parseLine`: a fetch holds megabytes of lines, and strings or record objects
 * for all of them at once outlive the young generation (garbage collection was a third of
 * ingest's CPU). Pure: nothing is sent.
 */
export function batchOutput(logic: IngestLogic, batch: KafkaBatch, dedupShards: number, clockBefore: number): BatchOutput {
  const { partition, messages } = batch;
  const parts = Array.from({ length: dedupShards }, () => [new DedupBatchBuilder()]);
  let clock = clockBefore;
  let accepted = 0;
  // A value-less record (a tombstone) reads as an empty line: blank, skipped.
  const lines = byteLines(messages.map((m) => m.value ?? NO_VALUE));
  const { rejections, lines: read } = logic.scan(lines, (shard, rsvp, index) => {
    const list = parts[shard];
    if (list === undefined) throw new RangeError(`record for dedup shard ${shard} of ${dedupShards}`);
    let open = list[list.length - 1]!;
    if (open.size >= MAX_RECORDS) list.push((open = new DedupBatchBuilder()));
    open.add(rsvp, Number(messages[index]?.offset));
    if (rsvp.mtime > clock) clock = rsvp.mtime;
    accepted++;
  });
  const first = Number(messages[0]?.offset ?? 0);
  const last = Number(messages[messages.length - 1]?.offset ?? first - 1);
  return { parts, through: { partition, next: last + 1, clock }, first, last, lines: read, accepted, rejections };
}

/** Sends a validated batch: each dedup shard's messages (the mark with the last) and the dead letters; resolves once all are acknowledged. */
export async function sendBatch(t: ForwardTarget, batch: KafkaBatch, out: BatchOutput): Promise<void> {
  const { topic, partition } = batch;
  const { parts, through, first, last, rejections } = out;
  const acks: Promise<unknown>[] = [];
  for (let shard = 0; shard < t.dedupShards; shard++) {
    const list = parts[shard] ?? [];
    const subject = t.names.dedupSubject(shard);
    // The parts of one shard go in order, the mark with the last: it claims every record before it.
    const send = async (): Promise<void> => {
      for (const [part, builder] of list.entries()) {
        const bytes = builder.encode(topic, partition, part === list.length - 1 ? through : undefined);
        // The id names exactly what the message carries (partition, shard, the batch's first and last
        // offset, part): a redelivery of the same batch is dropped by JetStream, and a batch a re-fetch
        // cuts differently gets new ids and goes through (dedup ignores versions it has already seen).
        const msgID = `${topic}-${partition}-${shard}-${first}-${last}-${part}`;
        await retry(() => t.publisher.publish(subject, bytes, msgID), { what: `publish to ${subject}`, ...retryCommon(t) });
      }
    };
    acks.push(send());
  }
  if (rejections.length > 0) acks.push(sendDeadLetters(t, batch, rejections));
  await Promise.all(acks);
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
    retry(() => t.producer.send(t.dlqTopic, messages), { what, isFinal: isUnacceptableRecord, ...retryCommon(t) });
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
