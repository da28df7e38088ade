/**
 * `meetuphype status`: what a distributed pipeline is doing, read from NATS and
 * Kafka alone (no service needs to answer): replicas, shard owners, pending
 * messages, snapshot ages, ingest lag per partition, the last ranking.
 */
import { Kafka, logLevel } from "kafkajs";
import { assembleStatus, connectNatsOnce, names, readRawStatus, type ClusterStatus } from "@meetuphype/cluster";
import {
  ConfigError,
  bool,
  HELP,
  KAFKA_OPTIONS,
  NATS_OPTIONS,
  num,
  optionHelp,
  parseOptions,
  SHARD_OPTIONS,
  str,
  type CommandContext,
  type OptionSpec,
} from "@meetuphype/config";
import { formatStatus, type IngestLag } from "../status-format.js";

export const STATUS_OPTIONS: readonly OptionSpec[] = [
  ...NATS_OPTIONS,
  ...KAFKA_OPTIONS,
  {
    flag: "kafka-group-id",
    env: "KAFKA_GROUP_ID",
    type: "string",
    default: "ingest",
    help: "ingest's consumer group (NAME_PREFIX is put in front)",
  },
  { flag: "no-kafka", type: "bool", default: false, help: "skip the ingest lag (NATS only)" },
  ...SHARD_OPTIONS,
  { flag: "json", type: "bool", default: false, help: "one JSON object instead of tables" },
  HELP,
];

export const STATUS_USAGE = `Usage: meetuphype status [options]

Prints the state of a distributed pipeline, read from NATS and Kafka: live
replicas, the owner of each shard, messages pending per shard, snapshot ages,
ingest's lag per partition and the aggregator's last ranking. Exits 0 when
all is well, 3 when it lists problems (a shard without an owner, a shard
behind, no aggregator), 1 when NATS cannot be reached, 2 when Kafka cannot
(set KAFKA_BROKERS, or --no-kafka) or the pipeline's prefix is unknown.

Options:
${optionHelp(STATUS_OPTIONS)}`;

async function ingestLag(brokers: string[], topic: string, groupId: string): Promise<IngestLag> {
  const admin = new Kafka({ clientId: "meetuphype-status", brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect().catch((err: unknown) => {
    throw new ConfigError(
      `cannot reach Kafka at ${brokers.join(",")}: ${err instanceof Error ? err.message : String(err)} (set KAFKA_BROKERS, or --no-kafka)`,
    );
  });
  try {
    const [ends, [committed], group] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
      admin.describeGroups([groupId]),
    ]);
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    const partitions = ends
      .map((e) => {
        const end = BigInt(e.high);
        const c = done.get(e.partition) ?? -1n;
        // No commit yet: everything from the log's start waits.
        const lag = c < 0n ? end - BigInt(e.low) : end - c;
        return { partition: e.partition, end: Number(end), committed: Number(c), lag: Number(lag) };
      })
      .sort((a, b) => a.partition - b.partition);
    return { topic, groupId, members: group.groups[0]?.members.length ?? 0, partitions };
  } finally {
    await admin.disconnect();
  }
}

export async function statusCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values: v } = parseOptions(STATUS_OPTIONS, argv, ctx.env);
  if (bool(v, "help")) {
    ctx.stdout.write(`${STATUS_USAGE}\n`);
    return 0;
  }
  const natsUrl = str(v, "nats-url") ?? "";
  const prefix = str(v, "name-prefix") ?? "mh";
  const n = names(prefix);
  const nc = await connectNatsOnce(natsUrl, "meetuphype-status");
  let status: ClusterStatus;
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.info(`KV_${n.shardsBucket}`).catch(() => {
      throw new ConfigError(
        `no pipeline named "${prefix}" on ${natsUrl} (its bucket ${n.shardsBucket} does not exist): set NAME_PREFIX / --name-prefix`,
      );
    });
    status = assembleStatus(
      prefix,
      await readRawStatus(nc, n),
      { dedup: num(v, "dedup-shards"), counter: num(v, "counter-shards") },
      Date.now(),
    );
  } finally {
    await nc.close();
  }
  const kafka = bool(v, "no-kafka")
    ? undefined
    : await ingestLag(
        (str(v, "kafka-brokers") ?? "").split(",").filter((b) => b !== ""),
        str(v, "kafka-topic") ?? "meetup",
        `${prefix}.${str(v, "kafka-group-id") ?? "ingest"}`,
      );
  const problems = [...status.problems];
  if (kafka !== undefined && kafka.members === 0) problems.push(`no ingest replica in consumer group ${kafka.groupId}`);
  if (bool(v, "json")) ctx.stdout.write(`${JSON.stringify({ ...status, problems, ingest: kafka ?? null }, null, 2)}\n`);
  else ctx.stdout.write(formatStatus({ ...status, problems }, kafka));
  return problems.length === 0 ? 0 : 3;
}
