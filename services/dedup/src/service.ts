/** `meetuphype dedup`: a dedup replica. */
import { commandLogger } from "@meetuphype/log";
import { decodeRankRequest, replicaId, subscribeDecoded } from "@meetuphype/control-plane";
import { runShardService } from "@meetuphype/shard-runtime";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { DEDUP_OPTIONS, dedupConfig } from "./config.js";
import { CoverageNotices } from "./notices.js";
import { DeltaOutbox } from "./outbox.js";
import { dedupShard } from "@meetuphype/stage-shards";
import { natsDedupPorts } from "./ports.js";

export const DEDUP_USAGE = `Usage: meetuphype dedup [options]

A dedup replica: owns a share of the virtual dedup shards (rsvp_id space),
keeps the live version of each rsvp_id, and sends topic deltas (with exact
retractions) to the counter shards. Replicas share the shards and hand them
over on start and SIGTERM.

Options:
${optionHelp(DEDUP_OPTIONS)}`;

export async function runDedup(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const cfg = dedupConfig(argv, ctx.env);
  if (cfg.help) {
    ctx.stdout.write(`${DEDUP_USAGE}\n`);
    return 0;
  }
  const logger = commandLogger(cfg, ctx.stderr);
  // Versions expire by the clock of the latest cut the aggregator asked to rank: never by one ahead of
  // a cut still to be ranked (docs/architecture.md, "Exact cuts").
  let expiry = 0;
  let notices: CoverageNotices | undefined;
  // The replica's shards send each counter shard one bundle per turn (outbox.ts).
  let outbox: DeltaOutbox | undefined;
  return runShardService({
    kind: "dedup",
    natsUrl: cfg.natsUrl,
    natsSecurity: cfg.natsSecurity,
    natsReplicas: cfg.natsReplicas,
    prefix: cfg.prefix,
    shards: cfg.dedupShards,
    healthPort: cfg.healthPort,
    healthHost: cfg.healthHost,
    logger,
    signal: ctx.signal,
    replica: replicaId(ctx.env.HOSTNAME),
    create: (shard, snapshot, env, lease, effects) => {
      outbox ??= new DeltaOutbox(env.publisher);
      const ports = natsDedupPorts(shard, env, effects, outbox);
      const made = dedupShard({
        shard,
        snapshot,
        lease,
        params: cfg.params,
        counterShards: cfg.counterShards,
        expiry: () => expiry,
        ports,
        onSettled: () => notices?.settled(),
      });
      notices?.add(shard, made.state);
      return made;
    },
    onStart: (env) => {
      notices = new CoverageNotices((notice) => env.nc.publish(env.names.coverageSubject, notice));
      subscribeDecoded(env.nc, env.names.rankSubject, decodeRankRequest, logger, (req) => {
        if (!req.probe && req.now > expiry) expiry = req.now;
      });
    },
    onStop: () => notices?.close(),
  });
}
