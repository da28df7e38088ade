/** `meetuphype produce`: feeds the RSVP topic from the synthetic generator, a file, standard input or an HTTP stream. */
import { createReadStream, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Message } from "kafkajs";
import { commandLogger } from "@meetuphype/log";
import { retry } from "@meetuphype/control-plane";
import { startHealthServer, createMetrics } from "@meetuphype/metrics";
import { createKafka, isUnacceptableRecord, startProducer } from "@meetuphype/kafka";
import { InputError, optionHelp, type CommandContext } from "@meetuphype/config";
import { MAX_LINE_BYTES, utf8Length } from "@meetuphype/core";
import { lineBatches, ReadProgress, syntheticBatches } from "@meetuphype/pipeline";
import { PRODUCER_OPTIONS, producerConfig } from "./config.js";
import { httpLines } from "./http-source.js";
import { keyOf, ratePacer, speedupPacer, unpaced, type Pacer } from "./pacing.js";

export const PRODUCER_USAGE = `Usage: meetuphype produce [options]

Sends RSVP JSON lines to a Kafka topic, keyed by rsvp_id: from the synthetic
generator (default), a JSONL file or standard input (--input, optionally paced
with --speedup or --rate), or a live HTTP stream (--url). Lines over 1 MiB are
reported and counted, never sent.

Options:
${optionHelp(PRODUCER_OPTIONS)}`;

export async function runProducer(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = producerConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${PRODUCER_USAGE}\n`);
    return 0;
  }
  const logger = commandLogger(cfg, ctx.stderr, {
    service: "producer",
  });
  const src = cfg.source;
  let progress: ReadProgress | undefined;
  let bytes = 0;
  let batches: AsyncGenerator<string[]>;
  let pacer: Pacer = unpaced;
  if (src.kind === "file") {
    const stream = src.path === "-" ? ctx.stdin : createReadStream(src.path, { highWaterMark: 1 << 20 });
    let size: number | undefined;
    if (src.path !== "-") {
      try {
        size = statSync(src.path).size;
      } catch (err) {
        throw new InputError(`cannot read input ${src.path}: ${err instanceof Error ? err.message : String(err)}`, err);
      }
    }
    if (cfg.progress)
      progress = new ReadProgress(
        ctx.clock,
        (s) => ctx.stderr.write(s),
        src.path === "-" ? "standard input" : src.path,
        size,
        ctx.stderrIsTTY,
      );
    batches = lineBatches(stream, { batchLines: 1000, onBytes: (b) => (bytes = b) });
    pacer = src.speedup !== undefined ? speedupPacer(src.speedup) : src.rate !== undefined ? ratePacer(src.rate) : unpaced;
  } else if (src.kind === "url") {
    batches = httpLines(src.url, ctx.signal, logger);
  } else {
    batches = syntheticBatches({ ...src, paced: true }, ctx.clock, ctx.signal);
  }

  const kafka = createKafka({ clientId: "meetuphype-producer", brokers: cfg.brokers, security: cfg.kafkaSecurity, logger });
  let problem: string | undefined = `waiting for Kafka at ${cfg.brokers.join(",")}`;
  let sent = 0;
  let tooLarge = 0;
  let index = 0;
  const metrics = createMetrics("producer");
  const health = await startHealthServer(
    { port: cfg.healthPort, host: cfg.healthHost },
    () => ({ ready: problem === undefined, reason: problem, detail: { sent, tooLarge } }),
    metrics,
  );
  const producer = await startProducer(kafka, [cfg.topic], {
    brokers: cfg.brokers,
    security: cfg.kafkaSecurity,
    logger,
    signal: ctx.signal,
    partitions: cfg.partitions,
    replicationFactor: cfg.replicationFactor,
    minInsyncReplicas: cfg.minInsyncReplicas,
  });
  const what = `sending to ${cfg.topic} at ${cfg.brokers.join(",")}`;
  problem = undefined;
  // A failed send (the broker restarting, a leader moving) is retried until it succeeds: the
  // source does not move on, so nothing is skipped. A retry may write a record twice (at least
  // once); dedup ignores a version it has already seen.
  const send = async (messages: Message[]): Promise<void> => {
    if (messages.length === 0) return;
    await retry(() => producer.send(cfg.topic, messages), {
      what,
      logger,
      signal: ctx.signal,
      isFinal: isUnacceptableRecord,
      between: () => (problem = `cannot send to Kafka at ${cfg.brokers.join(",")}`),
    });
    problem = undefined;
    sent += messages.length;
    metrics.records.inc({ stage: "producer", outcome: "sent" }, messages.length);
  };
  logger.info("producing", { topic: cfg.topic, source: src.kind, brokers: cfg.brokers.join(",") });
  const started = ctx.clock.now();
  for await (const batch of batches) {
    const messages: Message[] = [];
    for (const line of batch) {
      if (utf8Length(line) > MAX_LINE_BYTES) {
        tooLarge++;
        metrics.records.inc({ stage: "producer", outcome: "too_large" });
        logger.warn("line over 1 MiB not sent", { index, bytes: utf8Length(line) });
      } else {
        const wait = started + pacer.dueAt(line, index) - ctx.clock.now();
        if (wait > 5) await send(messages.splice(0));
        if (wait > 5) await sleep(wait, undefined, { signal: ctx.signal }).catch(() => undefined);
        messages.push({ key: keyOf(line), value: line });
      }
      index++;
      if (ctx.signal.aborted) break;
    }
    await send(messages);
    progress?.update(bytes, index);
    if (ctx.signal.aborted) break;
  }
  progress?.finish(index);
  problem = "done";
  await producer.disconnect();
  await health.close();
  logger.info("done", { sent, tooLarge });
  return 0;
}
