/**
 * `meetuphype aggregator`: every emit interval, asks all counter shards for
 * their top-K at the global clock, merges the answers into the ranking, serves
 * it on TrendingService and prints it when it changes.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { commandLogger } from "@meetuphype/actors";
import {
  openHistoryStore,
  connectNats,
  decodeShardTopK,
  encodeRankRequest,
  ensureResources,
  followBucket,
  names,
  natsHealth,
  replicaId,
  ProgressFollower,
  retry,
  startHealthServer,
} from "@meetuphype/cluster";
import { createMetrics } from "@meetuphype/metrics";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { ClockMode, RankingHistory } from "@meetuphype/core";
import { recordHistory, startTrendingServer } from "@meetuphype/grpc";
import { AggregatorLogic, formatConsole, SnapshotHub } from "@meetuphype/pipeline";
import { GlobalClock } from "./clock.js";
import { Freshness } from "./freshness.js";
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
  const logger = commandLogger(cfg, ctx.stderr, {
    service: "aggregator",
  });
  const n = names(cfg.prefix);
  const hub = new SnapshotHub(null);
  // The ranking's recent past (GetTrendingHistory): loaded from NATS once connected, then kept there.
  const history = new RankingHistory();
  // The server first: alive (its own health SERVING) while NATS is awaited; TrendingService NOT_SERVING until a ranking is complete.
  for (const w of cfg.tls?.warnings ?? []) logger.warn(w);
  const server = await startTrendingServer({
    host: cfg.grpcHost,
    port: cfg.grpcPort,
    source: hub,
    params: cfg.params,
    tls: cfg.tls,
    history,
  });
  server.setServing(false);
  logger.info("TrendingService listening", {
    addr: `${cfg.grpcHost}:${server.port}`,
    tls: cfg.tls === undefined ? "off" : cfg.tls.clientCa !== undefined ? "mutual" : "on",
    nats: cfg.natsUrl,
    prefix: cfg.prefix,
  });
  // /healthz, /readyz (the ranking is current, as TrendingService's gRPC health) and /metrics.
  const metrics = createMetrics("aggregator");
  const state: { problem: string | undefined } = { problem: `waiting for NATS at ${cfg.natsUrl}` };
  const health = await startHealthServer(
    { port: cfg.healthPort, host: cfg.healthHost },
    () => ({ ready: state.problem === undefined, reason: state.problem, detail: { stale: hub.snapshot?.stale === true } }),
    metrics,
  );
  const nc = await connectNats(cfg, "aggregator", logger, ctx.signal).catch(async (err: unknown) => {
    await server.close(0);
    throw err;
  });
  await retry(() => ensureResources(nc, n), { what: "creating the NATS streams and buckets", logger, signal: ctx.signal });
  const clock = new GlobalClock();
  const progress = new ProgressFollower();
  const js = nc.jetstream();
  const historyStore = await retry(() => openHistoryStore(js, n, history, logger), {
    what: "loading the ranking history",
    logger,
    signal: ctx.signal,
  });
  recordHistory(hub, history, (bucket, p, dropped) => void historyStore.save(bucket, p, dropped));
  // No rank request before both buckets were read whole: a restarted aggregator that did not yet
  // know a dedup shard lags would rank at the ingest clock, over data that is not all there.
  const synced = { clock: false, progress: false };
  const following = Promise.all([
    followBucket(
      await js.views.kv(n.clockBucket),
      ctx.signal,
      logger,
      (k, v) => clock.accept(k, v),
      () => (synced.clock = true),
    ),
    followBucket(
      await js.views.kv(n.progressBucket),
      ctx.signal,
      logger,
      (k, v) => progress.accept(k, v),
      () => (synced.progress = true),
    ),
  ]);
  // A sign of life for `meetuphype status`: the last ranking's time, in the members bucket (it expires without heartbeats).
  const members = await js.views.kv(n.membersBucket);
  const me = `aggregator.${replicaId(ctx.env.HOSTNAME)}`;
  let heartbeatAt = 0;
  const merge = new AggregatorLogic(cfg.counterShards, cfg.params.topN);
  // Whether the pipeline was catching up when each pending rank request went out (the snapshot says so).
  const asked = new Map<number, { catchingUp: boolean; pendingMessages: number }>();
  // Stale after 3 emit intervals without a complete ranking (at least 3 s); not serving after 10 s.
  const staleAfter = Math.max(3000, 3 * cfg.emitIntervalMs);
  const fresh = new Freshness(cfg.counterShards, staleAfter, Math.max(10_000, 10 * cfg.emitIntervalMs));
  nc.subscribe(n.topkSubject, {
    callback: (err, msg) => {
      if (err !== null) return;
      const answer = decodeShardTopK(msg.data);
      fresh.answered(answer.shard, ctx.clock.now());
      const merged = merge.accept(answer);
      if (merged === undefined) return;
      const snap = { ...merged, ...(asked.get(answer.seq) ?? { catchingUp: true, pendingMessages: progress.pending }) };
      for (const seq of asked.keys()) if (seq <= answer.seq) asked.delete(seq);
      fresh.complete(ctx.clock.now());
      const changed = hub.publish(snap);
      if (changed && cfg.console) ctx.stdout.write(formatConsole(snap));
    },
  });
  let seq = 0;
  let down: string | undefined = "starting";
  while (!ctx.signal.aborted) {
    // gRPC health: NOT_SERVING while NATS does not answer or the counters have not answered for long.
    const f = fresh.state(ctx.clock.now());
    const problem = (await natsHealth(nc)) ?? (f.serving ? undefined : f.reason);
    if (problem !== down) {
      if (problem !== undefined) logger.warn("not serving", { reason: problem });
      else logger.info("serving");
      server.setServing(problem === undefined);
      down = problem;
    }
    state.problem = problem;
    const at = ctx.clock.now();
    if (fresh.lastCompleteAt !== undefined) metrics.rankingAge.set((at - fresh.lastCompleteAt) / 1000);
    if (hub.snapshot !== undefined && hub.snapshot.asOfMs > 0) metrics.eventTimeLag.set((at - hub.snapshot.asOfMs) / 1000);
    metrics.watchStreams.set(server.watching());
    if (at - heartbeatAt >= 1000) {
      heartbeatAt = at;
      const s = hub.snapshot;
      const beat = { lastRankingAt: fresh.lastCompleteAt, asOfMs: s?.asOfMs, catchingUp: s?.catchingUp === true, stale: s?.stale === true };
      members.put(me, new TextEncoder().encode(JSON.stringify(beat))).catch(() => undefined);
    }
    // While shards move or recover, the last complete ranking stays, marked stale.
    const last = hub.snapshot;
    if (f.stale && last !== undefined && last.stale !== true) {
      logger.warn("serving the last complete ranking, marked stale", { reason: f.reason });
      hub.publish({ ...last, stale: true });
    }
    // No later than the watermark: a lagging dedup or counter shard must not make topics look idle (progress.ts).
    const now = cfg.params.clock === ClockMode.Event ? Math.min(clock.now, progress.watermark) : ctx.clock.now();
    if (synced.clock && synced.progress) {
      asked.set(++seq, { catchingUp: progress.catchingUp(cfg.dedupShards + cfg.counterShards), pendingMessages: progress.pending });
      if (asked.size > 100) asked.delete(seq - 100);
      nc.publish(n.rankSubject, encodeRankRequest({ now, seq, k: cfg.params.topN }));
    }
    await sleep(cfg.emitIntervalMs, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  logger.info("stopping");
  await members.delete(me).catch(() => undefined);
  await health.close();
  await server.close(2000);
  await nc.drain();
  await following.catch(() => undefined);
  return 0;
}
