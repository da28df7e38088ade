/** `meetuphype ingest`: a replica of the Kafka consumer group that feeds the dedup shards. */
import { setMaxListeners } from "node:events";
import { setImmediate } from "node:timers/promises";
import type { EachBatchPayload } from "kafkajs";
import type { NatsConnection } from "nats";
import { commandLogger } from "@meetuphype/log";
import {
  connectNats,
  describe,
  encodeIngestClock,
  ensureResources,
  ingestClockKey,
  isRefusedReplicas,
  JetStreamPublisher,
  names,
  natsHealth,
  PartitionClocks,
  replicaId,
  retry,
} from "@meetuphype/control-plane";
import { startHealthServer, createMetrics } from "@meetuphype/metrics";
import { createKafka, startProducer } from "@meetuphype/kafka";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { addCounts, emptyStats, ingestCounts, IngestLogic } from "@meetuphype/pipeline";
import { INGEST_OPTIONS, ingestConfig } from "./config.js";
import { consumeSupervised, ConsumerState } from "./consumer.js";
import { batchOutput, sendBatch } from "./forward.js";
import { InFlight } from "./in-flight.js";

/** See the consumer's config below. */
const FETCH_MIN_BYTES = 1024 * 1024;
/** The most one fetch brings (kafkajs's default for the whole fetch, 10 MiB). */
const FETCH_MAX_BYTES = 10 * 1024 * 1024;

export const INGEST_USAGE = `Usage: meetuphype ingest [options]

A replica of the ingest consumer group: reads RSVP lines from Kafka, validates
them, sends rejected ones to the dead-letter topic (reason in a header) and
valid ones to the dedup shards on NATS JetStream. Offsets are committed only
after JetStream has acknowledged what they carried.

Options:
${optionHelp(INGEST_OPTIONS)}`;

export async function runIngest(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = ingestConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${INGEST_USAGE}\n`);
    return 0;
  }
  const replica = replicaId(ctx.env.HOSTNAME);
  const logger = commandLogger(cfg, ctx.stderr, {
    service: "ingest",
    replica,
  });
  const n = names(cfg.prefix);
  const state = new ConsumerState();
  const stats = emptyStats();
  let deadLettersLost = 0;
  let nc: NatsConnection | undefined = undefined;
  // Health first: liveness holds while the brokers are awaited, and readiness says what is missing.
  const metrics = createMetrics("ingest");
  const health = await startHealthServer(
    { port: cfg.healthPort, host: cfg.healthHost },
    async () => {
      const reason = nc === undefined ? `waiting for NATS at ${cfg.natsUrl}` : ((await natsHealth(nc)) ?? state.problem);
      return { ready: reason === undefined, reason, detail: { replica, group: cfg.groupId, ...stats, deadLettersLost } };
    },
    metrics,
  );
  nc = await connectNats(cfg, `ingest-${replica}`, logger, ctx.signal);
  const conn = nc;
  await retry(() => ensureResources(conn, n, cfg.natsReplicas), {
    what: "creating the NATS streams and buckets",
    logger,
    signal: ctx.signal,
    isFinal: isRefusedReplicas,
  });
  const js = nc.jetstream();
  const publisher = new JetStreamPublisher(nc);
  const clockKv = await js.views.kv(n.clockBucket);
  const kafka = createKafka({ clientId: `meetuphype-ingest-${replica}`, brokers: cfg.brokers, security: cfg.kafkaSecurity, logger });
  const producer = await startProducer(kafka, [cfg.topic, cfg.dlqTopic], {
    brokers: cfg.brokers,
    security: cfg.kafkaSecurity,
    logger,
    signal: ctx.signal,
    replicationFactor: cfg.replicationFactor,
    minInsyncReplicas: cfg.minInsyncReplicas,
  });
  const logic = new IngestLogic(cfg.params.includeEventNames, cfg.dedupShards);
  let published = 0;
  let publishedAt = 0;
  const clocks = new PartitionClocks(clockKv, logger);
  const inFlight = new InFlight();
  /** A batch from parse to commit. */
  const forward = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const lag = (afterOffset: string): number => Math.max(0, Number(batch.highWatermark) - Number(afterOffset) - 1);
    const lagLabels = { topic: batch.topic, partition: String(batch.partition) };
    metrics.kafkaLag.set(lagLabels, lag(String(Number(batch.firstOffset() ?? "0") - 1)));
    // Gives up on the batch when the service stops or the partition was taken away (the new owner redoes it).
    const revoked = new AbortController();
    const signal = AbortSignal.any([ctx.signal, revoked.signal]);
    // Each dedup shard's publish of the batch waits on it while it retries (a NATS fault: more than 10 at once).
    setMaxListeners(0, signal);
    const heartbeat = async (): Promise<void> => {
      if (!payload.isRunning() || payload.isStale()) revoked.abort();
      else await payload.heartbeat();
    };
    const onDeadLetterLost = (source: string, err: unknown): void => {
      deadLettersLost++;
      logger.error("the dead-letter topic refused a record even cut to a preview; it is skipped", { source, err: describe(err) });
    };
    const target = {
      publisher,
      names: n,
      producer,
      dlqTopic: cfg.dlqTopic,
      dedupShards: cfg.dedupShards,
      logger,
      signal,
      heartbeat,
      onDeadLetterLost,
    };
    const first = Number(batch.firstOffset() ?? batch.lastOffset());
    const startedAt = performance.now();
    const clockBefore = await retry(() => clocks.before(batch.partition, first), { what: "reading the partition's clock", logger, signal });
    const out = batchOutput(logic, batch, cfg.dedupShards, clockBefore);
    await sendBatch(target, batch, out);
    const { through, accepted, rejections } = out;
    addCounts(stats, ingestCounts(out.lines, rejections));
    // Stored before the offsets are committed: whoever resumes the partition continues its clock.
    await retry(() => clocks.advance(through), { what: "storing the partition's clock", logger, signal, between: heartbeat });
    logger.debug("batch forwarded", {
      partition: batch.partition,
      offsets: `${first}-${through.next - 1}`,
      accepted,
      rejected: rejections.length,
      ms: Math.round(performance.now() - startedAt),
    });
    metrics.records.inc({ stage: "ingest", outcome: "accepted" }, accepted);
    metrics.records.inc({ stage: "ingest", outcome: "rejected" }, rejections.length);
    for (const r of rejections) metrics.rejected.inc({ reason: r.reason });
    metrics.kafkaLag.set(lagLabels, lag(batch.lastOffset()));
    // A failed commit is not lost work: the next batch's commit carries the partition further; if the
    // partition moved meanwhile, its new owner forwards the records again (idempotently).
    const offsets = { topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(through.next) }] }] };
    await payload
      .commitOffsetsIfNecessary(offsets)
      .catch((err: unknown) => logger.warn("offset commit failed; the next batch's commit carries it", { err: describe(err) }));
    await payload.heartbeat().catch(() => undefined);
    // This replica's clock, for `meetuphype status` only (rankings take their clock from their cut): at most
    // once a second, and never in the batch's way.
    const now = through.clock;
    if (now > published && Date.now() - publishedAt >= 1000) {
      published = now;
      publishedAt = Date.now();
      clockKv.put(ingestClockKey(replica), encodeIngestClock(now)).catch(() => undefined);
    }
  };
  /**
   * kafkajs fetches the next batch only once this returns: so it returns as soon as the batch is
   * handed on, and the fetch overlaps with the batch's parsing, sending and acknowledgements. A
   * partition's batches still go one after the other (in-flight.ts); nothing is committed before
   * its outputs are acknowledged (kafkajs's autoCommit is off).
   */
  const eachBatch = (payload: EachBatchPayload): Promise<void> =>
    inFlight.handle(async () => {
      if (payload.batch.messages.length === 0) return;
      await inFlight.settled(payload.batch.partition);
      payload.resolveOffset(payload.batch.lastOffset());
      // Yields first, so that kafkajs sends its next fetch before the parsing starts.
      inFlight.track(
        payload.batch.partition,
        setImmediate().then(() => forward(payload)),
      );
    });
  const consumer = consumeSupervised(
    {
      kafka,
      brokers: cfg.brokers,
      config: {
        groupId: cfg.groupId,
        // A fetch brings at most FETCH_MAX_BYTES, and one partition may fill it: on a backlog each fetch is
        // then one full batch, not a full batch and a small remainder (every batch costs a message per
        // dedup shard; with 8 MiB a partition the remainders cost dedup about a sixth more CPU).
        maxBytes: FETCH_MAX_BYTES,
        maxBytesPerPartition: FETCH_MAX_BYTES,
        // The broker holds a fetch until this much has arrived or --kafka-fetch-wait-ms passed: at a steady
        // rate a batch then carries that long of records, not a handful (each batch costs a message per
        // dedup shard), and a record waits that long at most; a backlog fills fetches at once.
        minBytes: FETCH_MIN_BYTES,
        maxWaitTimeInMs: cfg.fetchWaitMs,
        allowAutoTopicCreation: false,
        // A crashed replica's partitions move after 10 s instead of kafkajs's default 30 s.
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
      },
      topic: cfg.topic,
      logger,
      signal: ctx.signal,
      eachBatch,
      settle: () => inFlight.drain(),
    },
    state,
  );
  logger.info("started", { brokers: cfg.brokers.join(","), topic: cfg.topic, group: cfg.groupId, dlq: cfg.dlqTopic, health: health.port });
  await consumer;
  logger.info("stopping", { lines: stats.lines, accepted: stats.accepted, deadLettersLost });
  publisher.close();
  await producer.disconnect().catch(() => undefined);
  await health.close();
  await nc.drain().catch(() => undefined);
  return 0;
}
