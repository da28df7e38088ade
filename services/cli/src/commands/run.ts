/** `meetuphype run`: the whole pipeline in one process (embedded mode). */
import { setTimeout as sleep } from "node:timers/promises";
import { createLogger, type Logger } from "@meetuphype/log";
import type { RunMetrics } from "../run-metrics.js";
import { RankingHistory } from "@meetuphype/core";
import { formatConsole, SnapshotHub } from "@meetuphype/pipeline";
import { EmbeddedPipeline } from "@meetuphype/stage-shards";
import { RUN_OPTIONS, runConfig, type RunConfig } from "../config.js";
import type { CommandContext } from "@meetuphype/config";
import { ConfigError } from "@meetuphype/config";
import { feedFileOnThread, feedInput, feedSynthetic } from "../feed.js";
import { FileDeadLetter, openInput, writeOut, type OpenedInput } from "../io.js";
import { optionHelp } from "@meetuphype/config";
import { snapshotJson } from "../output.js";
import { ParseThread, ReadProgress } from "@meetuphype/pipeline";

/** The command's options (for `--print-config`). */
export { RUN_OPTIONS };

export const RUN_USAGE = `Usage: meetuphype run [options]

Runs the whole pipeline in one process: ingest, dedup, counters and aggregator
as actors over an in-memory transport. Reads the synthetic generator unless
--input is given; serves TrendingService on gRPC and the board (a live page,
JSON and server-sent events) on --http-port, and prints the ranking.

Options:
${optionHelp(RUN_OPTIONS)}`;

/** /metrics (and /healthz, /readyz: the embedded pipeline is ready once it serves) on `port`. */
async function startRunMetrics(port: number, host: string, logger: Logger): Promise<RunMetrics & { close(): Promise<void> }> {
  const { startHealthServer, createMetrics } = await import("@meetuphype/metrics");
  const { RunMetrics } = await import("../run-metrics.js");
  const m = createMetrics("run");
  const http = await startHealthServer({ port, host }, () => ({ ready: true, detail: {} }), m);
  logger.info("metrics listening", { url: `http://${host}:${http.port}/metrics` });
  return Object.assign(new RunMetrics(m), { close: () => http.close() });
}

function check(cfg: RunConfig): void {
  if (cfg.once && cfg.input === undefined && cfg.kafka === undefined && cfg.count === 0) {
    throw new ConfigError("--once needs a finite input: --input FILE (or - for standard input), or --count N for the synthetic source");
  }
  if (cfg.json && !cfg.once) throw new ConfigError("--json goes with --once (to stream JSON, use `meetuphype watch --json`)");
}

/** The rejections by reason, most first ("invalid_json: 3, invalid_mtime: 1"); undefined when none. */
export function rejectionSummary(rejected: Readonly<Record<string, number>>): string | undefined {
  const rows = Object.entries(rejected).filter(([, n]) => n > 0);
  if (rows.length === 0) return undefined;
  return rows
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([reason, n]) => `${reason}: ${n}`)
    .join(", ");
}

export async function runCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = runConfig(argv, ctx.env);
  if (cfg.help) {
    await writeOut(ctx.stdout, `${RUN_USAGE}\n`);
    return 0;
  }
  check(cfg);
  const logger = createLogger(cfg.logLevel, cfg.logFormat, (l) => ctx.stderr.write(`${l}\n`));
  const input = cfg.input === undefined ? undefined : await openInput(cfg.input, ctx.stdin);
  const deadLetter = cfg.deadLetter === undefined ? undefined : new FileDeadLetter(cfg.deadLetter);
  // What the rankings' cuts are in: the Kafka topic, or the input file (partition 0, counting lines).
  const inputTopic = cfg.kafka !== undefined ? cfg.kafka.topic : (input?.label ?? "synthetic");
  // Started with the server below; what the stages count before it goes nowhere (nothing is fed before).
  let metrics: (RunMetrics & { close(): Promise<void> }) | undefined;
  const pipeline = new EmbeddedPipeline({
    inputTopic,
    params: cfg.params,
    clock: ctx.clock,
    logger,
    dedupShards: cfg.dedupShards,
    counterShards: cfg.counterShards,
    // Parsing beside the other stages, on a second core (parse-thread.ts).
    parseThread: true,
    onCounts: (c) => metrics?.record(c),
    onOutcome: (stage, outcome, n) => metrics?.outcome(stage, outcome, n),
    ...(deadLetter !== undefined ? { deadLetter } : {}),
  });
  const progress =
    input !== undefined && cfg.progress
      ? new ReadProgress(ctx.clock, (s) => ctx.stderr.write(s), input.label, input.size, ctx.stderrIsTTY)
      : undefined;
  // Kafka, gRPC, the board and metrics are loaded only when used: `run --once` on a file needs none.
  // A file is read on the parse threads (the pipeline's and `--parse-threads` - 1 more); standard input here.
  const feedLines = async (input: OpenedInput): Promise<number> => {
    const thread = pipeline.parseThread;
    if (thread === undefined || input.path === undefined) return feedInput(pipeline, input, progress, ctx.signal);
    const more = Array.from({ length: cfg.parseThreads - 1 }, () => new ParseThread(thread.options));
    try {
      return await feedFileOnThread(pipeline, [thread, ...more], { ...input, path: input.path }, progress, ctx.signal, logger);
    } finally {
      await Promise.all(more.map((t) => t.close()));
    }
  };
  const feed = async (): Promise<number> =>
    cfg.kafka !== undefined
      ? (await import("../kafka-feed.js")).feedKafka(pipeline, { ...cfg.kafka, untilEnd: cfg.once }, logger, ctx.signal)
      : input !== undefined
        ? feedLines(input)
        : feedSynthetic(pipeline, { seed: cfg.seed, rate: cfg.rate, count: cfg.count, paced: !cfg.once }, ctx.clock, ctx.signal);

  try {
    if (cfg.once) {
      await feed();
      await pipeline.drain();
      const snap = await pipeline.rank();
      await writeOut(ctx.stdout, cfg.json ? `${JSON.stringify(snapshotJson(snap, pipeline.stats))}\n` : formatConsole(snap));
      const { lines, accepted } = pipeline.stats;
      const summary = rejectionSummary(pipeline.stats.rejected);
      if (summary !== undefined) ctx.stderr.write(`run: ${lines - accepted} of ${lines} lines rejected (${summary})\n`);
      if (lines > 0 && accepted === 0) {
        ctx.stderr.write(`run: no line of ${inputTopic} was accepted, so the ranking is empty\n`);
        return 1;
      }
      return 0;
    }
    const [{ recordHistory, startTrendingServer }, { startEmbeddedBoard }] = await Promise.all([
      import("@meetuphype/grpc"),
      import("@meetuphype/board"),
    ]);
    const hub = new SnapshotHub();
    const history = new RankingHistory();
    recordHistory(hub, history);
    for (const w of cfg.tls?.warnings ?? []) logger.warn(w);
    const server = await startTrendingServer({
      host: cfg.grpcHost,
      port: cfg.grpcPort,
      source: hub,
      params: cfg.params,
      tls: cfg.tls,
      history,
    });
    const board = await startEmbeddedBoard(cfg.http, hub, cfg.params, history, () => ctx.clock.now()).catch(async (err: unknown) => {
      await server.close(0);
      throw err;
    });
    logger.info("board listening", { http: `http://${cfg.http.httpHost}:${board.port}/` });
    metrics = cfg.metricsPort === undefined ? undefined : await startRunMetrics(cfg.metricsPort, cfg.metricsHost, logger);
    logger.info("TrendingService listening", {
      addr: `${cfg.grpcHost}:${server.port}`,
      source: cfg.kafka !== undefined ? `kafka:${cfg.kafka.topic}` : (input?.label ?? "synthetic"),
    });
    const feeding = feed().then(
      (n) => (ctx.signal.aborted ? undefined : logger.info("input finished; serving the final ranking until interrupted", { lines: n })),
      (err: unknown) => logger.error("input failed; serving what was read", { err }),
    );
    while (!ctx.signal.aborted) {
      await sleep(cfg.emitIntervalMs, undefined, { signal: ctx.signal }).catch(() => undefined);
      const snap = await pipeline.rank();
      metrics?.update(snap, server.watching(), ctx.clock.now());
      if (hub.publish(snap)) await writeOut(ctx.stdout, formatConsole(snap));
    }
    logger.info("stopping: draining the pipeline");
    await feeding;
    await metrics?.close();
    await board.close();
    await server.close(2000);
    return 0;
  } finally {
    await pipeline.drain();
    await pipeline.stop();
    await deadLetter?.close();
    if (pipeline.actorFailures > 0)
      logger.error("some messages failed inside actors (a bug: please report it)", { failures: pipeline.actorFailures });
  }
}
