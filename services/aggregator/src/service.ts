/**
 * `meetuphype aggregator`: every emit interval, asks all counter shards for
 * their top-K at the global clock, merges the answers into the ranking, serves
 * it on TrendingService and prints it when it changes.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { lineLogger, type LogLevel } from "@meetuphype/actors";
import { connectNats, decodeShardTopK, encodeRankRequest, ensureResources, names, natsHealth, retry } from "@meetuphype/cluster";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { ClockMode } from "@meetuphype/core";
import { startTrendingServer } from "@meetuphype/grpc";
import { AggregatorLogic, formatConsole, SnapshotHub } from "@meetuphype/pipeline";
import { GlobalClock } from "./clock.js";
import { AGGREGATOR_OPTIONS, aggregatorConfig } from "./config.js";

export const AGGREGATOR_USAGE = `Usage: meetuphype aggregator [options]

Merges the counter shards' top-K into the global ranking, serves
meetuphype.v1.TrendingService (with reflection and gRPC health) and prints the
ranking when it changes. Run one replica.

Options:
${optionHelp(AGGREGATOR_OPTIONS)}`;

export async function runAggregator(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = aggregatorConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${AGGREGATOR_USAGE}\n`);
    return 0;
  }
  const logger = lineLogger(cfg.logLevel as LogLevel, (l) => ctx.stderr.write(`${l}\n`)).child({ service: "aggregator" });
  const n = names(cfg.prefix);
  const nc = await connectNats(cfg.natsUrl, "aggregator", logger, ctx.signal);
  await retry(() => ensureResources(nc, n), { what: "creating the NATS streams and buckets", logger, signal: ctx.signal });
  const clock = new GlobalClock();
  const following = clock.follow(await nc.jetstream().views.kv(n.clockBucket), ctx.signal, logger);
  const hub = new SnapshotHub();
  const merge = new AggregatorLogic(cfg.counterShards, cfg.params.topN);
  nc.subscribe(n.topkSubject, {
    callback: (err, msg) => {
      if (err !== null) return;
      const snap = merge.accept(decodeShardTopK(msg.data));
      if (snap !== undefined && hub.publish(snap) && cfg.console) ctx.stdout.write(formatConsole(snap));
    },
  });
  const server = await startTrendingServer({ host: cfg.grpcHost, port: cfg.grpcPort, source: hub, params: cfg.params });
  logger.info("TrendingService listening", { addr: `${cfg.grpcHost}:${server.port}`, nats: cfg.natsUrl, prefix: cfg.prefix });
  let seq = 0;
  let down: string | undefined;
  while (!ctx.signal.aborted) {
    // gRPC health follows the broker: NOT_SERVING while NATS does not answer (the ranking cannot move).
    const problem = await natsHealth(nc);
    if (problem !== down) {
      if (problem !== undefined) logger.warn("not serving: NATS does not answer", { reason: problem });
      else logger.info("serving again: NATS answers");
      server.setServing(problem === undefined);
      down = problem;
    }
    const now = cfg.params.clock === ClockMode.Event ? clock.now : ctx.clock.now();
    nc.publish(n.rankSubject, encodeRankRequest({ now, seq: ++seq, k: cfg.params.topN }));
    await sleep(cfg.emitIntervalMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  logger.info("stopping");
  await server.close(2000);
  await nc.drain();
  await following.catch(() => undefined);
  return 0;
}
