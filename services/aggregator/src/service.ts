/**
 * `meetuphype aggregator`: every emit interval, probes every counter shard's
 * coverage, asks all of them for their top-K over the meet (an exact cut of the
 * input), merges the answers into the ranking, serves it on TrendingService and
 * prints it when it changes.
 */
import { commandLogger } from "@meetuphype/log";
import {
  aggregatorKey,
  askedCutKey,
  connectNats,
  decodeCut,
  decodeShardTopK,
  encodeAggregatorBeat,
  encodeCut,
  encodeRankRequest,
  ensureResources,
  isRefusedReplicas,
  names,
  natsHealth,
  replicaId,
  retry,
  subscribeCoverageNotices,
  subscribeDecoded,
} from "@meetuphype/control-plane";
import { openHistoryStore } from "./history-store.js";
import { reachableAt, startHealthServer, createMetrics } from "@meetuphype/metrics";
import { createKafka } from "@meetuphype/kafka";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { clockOf, ClockMode, RankingHistory, type Marks } from "@meetuphype/core";
import { recordHistory, startTrendingServer } from "@meetuphype/grpc";
import { AggregatorLogic, formatConsole, SnapshotHub, type RankRequest } from "@meetuphype/pipeline";
import { InputEnds } from "./input-ends.js";
import { Freshness } from "./freshness.js";
import { coveredBy, RoundPace } from "./round-pace.js";
import { InputSteps } from "./input-steps.js";
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
  await retry(() => ensureResources(nc, n, cfg.natsReplicas), {
    what: "creating the NATS streams and buckets",
    logger,
    signal: ctx.signal,
    isFinal: isRefusedReplicas,
  });
  const js = nc.jetstream();
  const historyStore = await retry(() => openHistoryStore(js, n, history, logger, cfg.natsReplicas), {
    what: "loading the ranking history",
    logger,
    signal: ctx.signal,
    isFinal: isRefusedReplicas,
  });
  recordHistory(hub, history, (bucket, p, dropped) => void historyStore.save(bucket, p, dropped));
  // The input's end offsets: a ranking's cut against them says whether records wait (catching up).
  const admin = createKafka({ clientId: "meetuphype-aggregator", brokers: cfg.brokers, security: cfg.kafkaSecurity, logger }).admin();
  const ends = new InputEnds(admin, cfg.topic, logger);
  // A sign of life for `meetuphype status`: the last ranking's time, in the members bucket (it expires without heartbeats).
  const members = await js.views.kv(n.membersBucket);
  const me = aggregatorKey(replicaId(ctx.env.HOSTNAME));
  let heartbeatAt = 0;
  const nowOf = (cut: Marks): number => (cfg.params.clock === ClockMode.Event ? clockOf(cut) : ctx.clock.now());
  // Never behind a cut asked before a restart: counters may have applied it, and dedup lets versions expire by it.
  const clockKv = await js.views.kv(n.clockBucket);
  const from = await retry(async () => decodeCut((await clockKv.get(askedCutKey))?.value), {
    what: "reading the last cut asked",
    logger,
    signal: ctx.signal,
  });
  const merge = new AggregatorLogic(cfg.counterShards, cfg.params.topN, nowOf, from);
  // Rounds every emit interval; back to back (HURRY_GAP_MS apart) while the ranking catches up and its cut moves;
  // while the input flows, just after it steps (the dedup shards' coverage notices say when).
  const pace = new RoundPace(cfg.emitIntervalMs);
  const steps = new InputSteps(cfg.dedupShards);
  const ask = (req: RankRequest): void => {
    nc.publish(n.rankSubject, encodeRankRequest(req));
    if (!req.probe) clockKv.put(askedCutKey, encodeCut(req.cut)).catch(() => undefined);
  };
  subscribeCoverageNotices(nc, n.coverageSubject, logger, (notices) => {
    let step = false;
    for (const notice of notices) step = steps.note(notice) || step;
    if (step && steps.beyond(merge.cut)) pace.stepped();
  });
  // Stale after 3 emit intervals without a complete ranking (at least 3 s); not serving after 10 s.
  const staleAfter = Math.max(3000, 3 * cfg.emitIntervalMs);
  const fresh = new Freshness(cfg.counterShards, staleAfter, Math.max(10_000, 10 * cfg.emitIntervalMs));
  subscribeDecoded(nc, n.topkSubject, decodeShardTopK, logger, (answer) => {
    fresh.answered(answer.shard, ctx.clock.now());
    const step = merge.accept(answer);
    if (step === undefined) return;
    if (step.kind === "rank") return ask(step.request);
    const snap = { ...step.snapshot, inputTopic: cfg.topic, ...ends.flags(step.snapshot.cut ?? []) };
    fresh.complete(ctx.clock.now());
    pace.completed(snap.catchingUp, coveredBy(snap.cut));
    const changed = hub.publish(snap);
    if (changed && cfg.console) ctx.stdout.write(formatConsole(snap));
  });
  let seq = 0;
  let down: string | undefined = "starting";
  while (!ctx.signal.aborted) {
    // gRPC health: NOT_SERVING while NATS does not answer or the counters have not answered for long.
    const stuck = merge.stuck;
    const f = fresh.state(ctx.clock.now(), stuck?.reason);
    const problem = (await natsHealth(nc)) ?? (f.serving ? undefined : f.reason);
    if (problem !== down) {
      if (problem !== undefined) logger.warn("not serving", { reason: problem, ...(stuck === undefined ? {} : { round: stuck.detail }) });
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
      const beat = encodeAggregatorBeat({
        ...(fresh.lastCompleteAt === undefined ? {} : { lastRankingAt: fresh.lastCompleteAt }),
        ...(s === undefined ? {} : { asOfMs: s.asOfMs }),
        catchingUp: s?.catchingUp === true,
        stale: s?.stale === true,
        health: reachableAt(cfg.healthHost, health.port),
      });
      members.put(me, beat).catch(() => undefined);
    }
    // While shards move or recover, the last complete ranking stays, marked stale; its flags follow the input.
    const held = hub.snapshot;
    if (held !== undefined) {
      const flags = ends.flags(held.cut ?? []);
      if (flags.catchingUp !== (held.catchingUp === true) || flags.recordsBehind !== held.recordsBehind) hub.publish({ ...held, ...flags });
    }
    const last = hub.snapshot;
    if (f.stale && last !== undefined && last.stale !== true) {
      logger.warn("serving the last complete ranking, marked stale", {
        reason: f.reason,
        ...(stuck === undefined ? {} : { round: stuck.detail }),
      });
      hub.publish({ ...last, stale: true });
    }
    // A round: probe every counter shard's coverage; the answers lead to the rank request over their meet.
    pace.began();
    ask(merge.probe(++seq));
    await pace.due(ctx.signal);
  }
  logger.info("stopping");
  await members.delete(me).catch(() => undefined);
  await health.close();
  await server.close(2000);
  await ends.close();
  await nc.drain();
  return 0;
}
