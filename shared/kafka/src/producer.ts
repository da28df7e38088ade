/**
 * The services' Kafka producer: kafkajs's idempotent producer (acks=all, the broker drops a
 * batch it already has), and a send that resolves only when every message is in the answer.
 *
 * kafkajs's own retry re-sends only to brokers that have not answered yet. When a partition
 * leader dies mid-send, its partitions move to another broker; if that broker had already
 * answered for its own partitions, the moved partitions are never sent, and the send still
 * resolves (on three brokers a SIGKILLed leader lost 1 to 8 of 16,000 records that way). So the
 * partitioner notes where it placed each message, and a send goes on with the messages of every
 * partition missing from the answer until none is. The partitioner also keeps a message where it
 * first placed it (`placedOnce`): kafkajs places the messages again on each of its retries, and a
 * message without a key goes round-robin, so it could move to a partition whose broker had
 * already answered, never be sent, and still count as answered (one record of 16,000 in CI).
 * A send that fails is retried whole by its caller; the idempotent producer makes a batch that
 * had landed before the failure count once.
 * When the broker no longer knows the producer's sequence numbers (its state expires after a day
 * without writes), the producer starts over under a new producer id and the send fails, to be
 * retried: a record may then be written twice (dedup ignores the copy), never left out.
 */
import { Partitioners, type Kafka, type Message, type Producer, type RecordMetadata } from "kafkajs";
import type { KafkaSecurity } from "@meetuphype/config";
import { describe } from "@meetuphype/control-plane";
import { KnownError } from "@meetuphype/core";
import type { Logger } from "@meetuphype/log";
import { kafkaSecured } from "./client.js";
import { isLostProducerState } from "./errors.js";
import { retryKafka } from "./retry.js";
import { ensureTopics, type EnsureTopicsOptions } from "./topics.js";

/** The messages whose partition (as `placed` says) the answer does not name, in order. Pure. */
export function unanswered(
  messages: readonly Message[],
  placed: (m: Message) => number | undefined,
  answers: readonly RecordMetadata[],
): Message[] {
  const answered = new Set(answers.filter((a) => a.errorCode === 0).map((a) => a.partition));
  return messages.filter((m) => {
    const p = placed(m);
    return p === undefined || !answered.has(p);
  });
}

/** What kafkajs gives a partitioner. */
type PartitionerArgs = Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0];

/**
 * A partitioner that places each message once: where `inner` places it the first time, and there
 * again whenever kafkajs asks again (its retries, our re-sends of a send's missing partitions, a
 * caller's retry of the whole send). Notes each placement in `placed`.
 */
export function placedOnce(inner: (args: PartitionerArgs) => number, placed: WeakMap<Message, number>): (args: PartitionerArgs) => number {
  return (args) => {
    const known = placed.get(args.message);
    if (known !== undefined && known < args.partitionMetadata.length) return known;
    const p = inner(args);
    placed.set(args.message, p);
    return p;
  };
}

/** Rounds of re-sending missing partitions before a send gives up (the caller then retries it whole). */
const MAX_ROUNDS = 5;

/** Some partitions of a send stayed out of every answer; the whole send can be tried again. */
export class UnansweredSendError extends KnownError {
  readonly code = "KAFKA_SEND_UNANSWERED";
  readonly retriable = true;
}

export class RecordProducer {
  private readonly placed = new WeakMap<Message, number>();
  private producer: Producer;
  /** The current producer's connection, once asked for. */
  private ready: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {
    this.producer = this.create();
  }

  private create(): Producer {
    const placed = this.placed;
    return this.kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      // One request at a time per broker keeps the sequence numbers in order.
      maxInFlightRequests: 1,
      // Bounded, so that a caller's retry (with its heartbeats and its abort signal) takes over.
      retry: { retries: 5 },
      createPartitioner: () => placedOnce(Partitioners.DefaultPartitioner(), placed),
    });
  }

  /** Connects the current producer (again after it was replaced). */
  async connect(): Promise<void> {
    await this.current();
  }

  private async current(): Promise<Producer> {
    const producer = this.producer;
    this.ready ??= producer.connect().catch((err: unknown) => {
      if (this.producer === producer) this.ready = undefined;
      throw err;
    });
    await this.ready;
    return producer;
  }

  /** Sends `messages` to `topic`; resolves once every one of them is acknowledged by all in-sync replicas. */
  async send(topic: string, messages: readonly Message[]): Promise<void> {
    let pending = [...messages];
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS)
        throw new UnansweredSendError(`${pending.length} records to ${topic} stayed unanswered after ${MAX_ROUNDS} sends`);
      const producer = await this.current();
      const answers = await producer.send({ topic, messages: pending, acks: -1 }).catch((err: unknown) => {
        if (isLostProducerState(err)) this.renew(producer, err);
        throw err;
      });
      const left = unanswered(pending, (m) => this.placed.get(m), answers);
      if (left.length > 0)
        this.logger.warn("a send left partitions out (their leader moved); sending their records again", {
          topic,
          records: left.length,
          partitions: [...new Set(left.map((m) => this.placed.get(m)))].join(","),
        });
      pending = left;
    }
  }

  /** Replaces `old` (once, however many sends saw the error) by a producer that gets a new producer id when it connects. */
  private renew(old: Producer, err: unknown): void {
    if (this.producer !== old) return;
    this.logger.warn("Kafka no longer knows this producer's sequence numbers; starting over with a new producer id", {
      err: describe(err),
    });
    this.producer = this.create();
    this.ready = undefined;
    void old.disconnect().catch(() => undefined);
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/**
 * The start of a service that writes to Kafka (the producer, ingest): creates `topics` when
 * missing, then connects a producer; waits for brokers that are away, stops on a refusal.
 */
export async function startProducer(
  kafka: Kafka,
  topics: readonly string[],
  o: Omit<EnsureTopicsOptions, "secured"> & { readonly security: KafkaSecurity },
): Promise<RecordProducer> {
  const secured = kafkaSecured(o.security);
  await ensureTopics(kafka, topics, { ...o, secured });
  const producer = new RecordProducer(kafka, o.logger);
  await retryKafka(() => producer.connect(), {
    what: `connecting to Kafka at ${o.brokers.join(",")}`,
    brokers: o.brokers,
    secured,
    logger: o.logger,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return producer;
}
