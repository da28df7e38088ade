/**
 * `meetuphype status`: what a distributed pipeline is doing, read from NATS and
 * Kafka alone (no service needs to answer): replicas, shard owners, pending
 * messages, snapshot ages, ingest lag per partition, the last ranking.
 */
import { createLogger, LogFormat, LogLevel, type Logger } from "@meetuphype/log";
import type { KafkaSecurity } from "@meetuphype/config";
import { connectionError, connectNatsOnce, names } from "@meetuphype/control-plane";
import { assembleStatus, readRawStatus, type ClusterStatus } from "../cluster-status.js";
import { createKafka, kafkaSecured } from "@meetuphype/kafka";
import {
  ConfigError,
  bool,
  HELP,
  KAFKA_OPTIONS,
  kafkaFrom,
  natsFrom,
  LOG_FORMAT,
  LOG_LEVEL,
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

export const STATUS_OPTIONS = [
  ...NATS_OPTIONS,
  ...KAFKA_OPTIONS,
  {
    flag: "kafka-group-id",
    env: "KAFKA_GROUP_ID",
    type: "string",
    default: "ingest",
    help: "ingest's consumer group (NAME_PREFIX is put in front)",
  },
  { flag: "kafka", type: "bool", default: true, help: "read the ingest lag from Kafka (--no-kafka: NATS only)" },
  ...SHARD_OPTIONS,
  { flag: "json", type: "bool", default: false, help: "one JSON object instead of tables" },
  LOG_LEVEL,
  LOG_FORMAT,
  HELP,
] as const satisfies readonly OptionSpec[];

export const STATUS_USAGE = `Usage: meetuphype status [options]

Prints the state of a distributed pipeline, read from NATS and Kafka: live
replicas, the owner of each shard, messages pending per shard, snapshot ages,
ingest's lag per partition and the aggregator's last ranking. Exits 0 when
all is well, 3 when it lists problems (a shard without an owner, a shard
behind, no aggregator), 1 when NATS or Kafka cannot be reached or refuses
the login (set KAFKA_BROKERS, or --no-kafka), 2 when the pipeline's prefix
is unknown.

Options:
${optionHelp(STATUS_OPTIONS)}`;

interface LagQuery {
  readonly brokers: string[];
  readonly security: KafkaSecurity;
  readonly topic: string;
  readonly groupId: string;
}

/**
 * Each partition's end, committed offset (-1: none yet) and lag: what waits after the committed
 * offset (from the log's start when nothing is committed), never below 0. Pure.
 */
export function lagByPartition(
  ends: readonly { partition: number; high: string; low: string }[],
  committed: readonly { partition: number; offset: string }[],
): { partition: number; end: number; committed: number; lag: number }[] {
  const done = new Map(committed.map((p) => [p.partition, BigInt(p.offset)]));
  return ends
    .map((e) => {
      const end = BigInt(e.high);
      const c = done.get(e.partition) ?? -1n;
      const lag = c < 0n ? end - BigInt(e.low) : end - c;
      return { partition: e.partition, end: Number(end), committed: Number(c), lag: Number(lag < 0n ? 0n : lag) };
    })
    .sort((a, b) => a.partition - b.partition);
}

async function ingestLag(q: LagQuery, logger: Logger): Promise<IngestLag> {
  const { brokers, topic, groupId } = q;
  const kafka = createKafka({ clientId: "meetuphype-status", brokers, security: q.security, logger, log: false, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect().catch((err: unknown) => {
    throw connectionError("Kafka", brokers.join(","), err, { secured: kafkaSecured(q.security), hint: "set KAFKA_BROKERS, or --no-kafka" });
  });
  try {
    // The committed offsets first, then the end offsets: read the other way round (or at once), a commit
    // landing in between showed a negative lag on a healthy pipeline.
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const [ends, group] = await Promise.all([admin.fetchTopicOffsets(topic), admin.describeGroups([groupId])]);
    const partitions = lagByPartition(ends, committed?.partitions ?? []);
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
  const logger = createLogger(str(v, "log-level") ?? LogLevel.Info, str(v, "log-format") ?? LogFormat.Text, (l) =>
    ctx.stderr.write(`${l}\n`),
  );
  const nats = natsFrom(v);
  const { brokers, kafkaSecurity } = kafkaFrom(v);
  const { natsUrl, prefix } = nats;
  const n = names(prefix);
  const nc = await connectNatsOnce(nats, "meetuphype-status", logger);
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
  const kafka = !bool(v, "kafka")
    ? undefined
    : await ingestLag(
        {
          brokers,
          security: kafkaSecurity,
          topic: str(v, "kafka-topic") ?? "meetup",
          groupId: `${prefix}.${str(v, "kafka-group-id") ?? "ingest"}`,
        },
        logger,
      );
  const problems = [...status.problems];
  if (kafka !== undefined && kafka.members === 0) problems.push(`no ingest replica in consumer group ${kafka.groupId}`);
  if (bool(v, "json")) ctx.stdout.write(`${JSON.stringify({ ...status, problems, ingest: kafka ?? null }, null, 2)}\n`);
  else ctx.stdout.write(formatStatus({ ...status, problems }, kafka));
  return problems.length === 0 ? 0 : 3;
}
