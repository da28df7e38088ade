/** `meetuphype dedup`: a dedup replica. */
import { commandLogger } from "@meetuphype/actors";
import { replicaId, runShardService } from "@meetuphype/cluster";
import { optionHelp, type CommandContext } from "@meetuphype/config";
import { DEDUP_OPTIONS, dedupConfig } from "./config.js";
import { dedupShard } from "./shard.js";

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
  return runShardService({
    kind: "dedup",
    natsUrl: cfg.natsUrl,
    natsSecurity: cfg.natsSecurity,
    prefix: cfg.prefix,
    shards: cfg.dedupShards,
    healthPort: cfg.healthPort,
    healthHost: cfg.healthHost,
    logger,
    signal: ctx.signal,
    replica: replicaId(ctx.env.HOSTNAME),
    create: (shard, snap, env, lease) => dedupShard(shard, snap, env, lease, cfg.params, cfg.counterShards),
  });
}
