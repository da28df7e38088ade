/** `meetuphype counter`: a counter replica. */
import { commandLogger } from "@meetuphype/log";
import { decodeRankRequest, describe, replicaId, subscribeCoverageNotices, subscribeDecoded } from "@meetuphype/control-plane";
import { runShardService } from "@meetuphype/shard-runtime";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { COUNTER_OPTIONS, counterConfig } from "./config.js";
import { counterShard, type CounterExtra } from "@meetuphype/stage-shards";
import { natsCounterPorts } from "./ports.js";
import { NoticeRun } from "./notices.js";

export const COUNTER_USAGE = `Usage: meetuphype counter [options]

A counter replica: owns a share of the virtual counter shards (topic-key
space), one entity per topic, and answers the aggregator's rank requests with
each owned shard's top-K. Replicas share the shards and hand them over on
start and SIGTERM.

Options:
${optionHelp(COUNTER_OPTIONS)}`;

export async function runCounter(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = counterConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${COUNTER_USAGE}\n`);
    return 0;
  }
  const logger = commandLogger(cfg, ctx.stderr);
  return runShardService<CounterExtra>({
    kind: "counter",
    natsUrl: cfg.natsUrl,
    natsSecurity: cfg.natsSecurity,
    natsReplicas: cfg.natsReplicas,
    prefix: cfg.prefix,
    shards: cfg.counterShards,
    healthPort: cfg.healthPort,
    healthHost: cfg.healthHost,
    logger,
    signal: ctx.signal,
    replica: replicaId(ctx.env.HOSTNAME),
    create: (shard, snapshot, env, lease, effects) =>
      counterShard({ shard, snapshot, lease, params: cfg.params, dedupShards: cfg.dedupShards, ports: natsCounterPorts(env, effects) }),
    onStart: (env, shards) => {
      const tell = (m: CounterExtra, what: string): void =>
        void shards.broadcast(m).catch((e: unknown) => logger.warn(`${what} not delivered`, { err: describe(e) }));
      subscribeDecoded(env.nc, env.names.rankSubject, decodeRankRequest, logger, (req) => tell(req, "rank request"));
      // The notices that arrive together go to the shards as one message, after the last of them is read.
      const run = new NoticeRun();
      subscribeCoverageNotices(env.nc, env.names.coverageSubject, logger, (notices) => {
        let first = false;
        for (const n of notices) first = run.add(n) || first;
        if (first) setImmediate(() => tell({ kind: "notices", notices: run.take() }, "coverage notices"));
      });
    },
  });
}
