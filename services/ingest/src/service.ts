/** `meetuphype ingest`: a replica of the Kafka consumer group that feeds the dedup shards. */
import { Kafka, logLevel as kafkaLogLevel, Partitioners } from "kafkajs";
import { lineLogger, type LogLevel } from "@meetuphype/actors";
import { connectNats, ensureResources, ensureTopics, kafkaLogCreator, names, replicaId, startHealthServer } from "@meetuphype/cluster";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { ClockMode } from "@meetuphype/core";
import { emptyStats, IngestLogic } from "@meetuphype/pipeline";
import { INGEST_OPTIONS, ingestConfig } from "./config.js";
import { forwardBatch } from "./forward.js";

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
  const logger = lineLogger(cfg.logLevel as LogLevel, (l) => ctx.stderr.write(`${l}\n`)).child({ service: "ingest", replica });
  const n = names(cfg.prefix);
  const nc = await connectNats(cfg.natsUrl, `ingest-${replica}`, logger);
  await ensureResources(nc, n);
  const js = nc.jetstream();
  const clockKv = await js.views.kv(n.clockBucket);
  const kafka = new Kafka({
    clientId: `meetuphype-ingest-${replica}`,
    brokers: cfg.brokers,
    logLevel: kafkaLogLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  await ensureTopics(kafka, [cfg.topic, cfg.dlqTopic]);
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: cfg.groupId, maxBytesPerPartition: 8 * 1024 * 1024, allowAutoTopicCreation: false });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.CRASH, (e) => logger.error("consumer crashed", { err: e.payload.error }));
  await consumer.connect();
  await consumer.subscribe({ topic: cfg.topic, fromBeginning: true });
  const stats = emptyStats();
  const logic = new IngestLogic(cfg.params.includeEventNames, cfg.dedupShards, stats);
  let published = 0;
  const nowOf = (eventNow: number): number => (cfg.params.clock === ClockMode.Event ? eventNow : ctx.clock.now());
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => {
      const { batch } = payload;
      if (batch.messages.length === 0) return;
      const now = await forwardBatch(logic, { js, names: n, producer, dlqTopic: cfg.dlqTopic }, batch, batch.messages, nowOf);
      payload.resolveOffset(batch.lastOffset());
      await payload.commitOffsetsIfNecessary();
      await payload.heartbeat();
      if (now > published) {
        await clockKv.put(`ingest.${replica}`, new TextEncoder().encode(String(now)));
        published = now;
      }
    },
  });
  const health = await startHealthServer(cfg.healthPort, () => ({
    ready: joined && !nc.isClosed(),
    detail: { replica, group: cfg.groupId, ...stats },
  }));
  logger.info("started", { brokers: cfg.brokers.join(","), topic: cfg.topic, group: cfg.groupId, dlq: cfg.dlqTopic, health: health.port });
  await new Promise<void>((resolve) =>
    ctx.signal.aborted ? resolve() : ctx.signal.addEventListener("abort", () => resolve(), { once: true }),
  );
  logger.info("stopping", { lines: stats.lines, accepted: stats.accepted });
  await consumer.disconnect();
  await producer.disconnect();
  await health.close();
  await nc.drain();
  return 0;
}
