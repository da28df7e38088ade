/** Settings shared by several commands and services: one name each, the same everywhere. */
import { LogFormat, LogLevel } from "@meetuphype/log";
import { ClockMode, DEFAULT_PARAMS, type TrendingParams } from "@meetuphype/core";
import { bool, num, str, type OptionSpec, type OptionValues, type ValuesOf } from "./options.js";
import { KAFKA_SECURITY_OPTIONS, NATS_SECURITY_OPTIONS, kafkaSecurityFrom, natsSecurityFrom } from "./broker-security.js";
import type { KafkaSecurity, NatsSecurity } from "./broker-security.js";

export const intIn = (lo: number, hi: number) => (v: number) => (v >= lo && v <= hi ? undefined : `must be an integer in [${lo}, ${hi}]`);
export const numIn = (lo: number, hi: number) => (v: number) => (v >= lo && v <= hi ? undefined : `must be a number in [${lo}, ${hi}]`);
export const HELP = { flag: "help", short: "h", type: "bool", help: "print this help and exit" } as const satisfies OptionSpec;
export const LOG_LEVEL = {
  flag: "log-level",
  env: "LOG_LEVEL",
  type: "string",
  default: "info",
  help: "debug, info, warn, error or silent",
  choices: Object.values(LogLevel),
} as const satisfies OptionSpec;

export const LOG_FORMAT = {
  flag: "log-format",
  env: "LOG_FORMAT",
  type: "string",
  default: "text",
  help: "text (a line per entry) or json (one JSON object a line, for log collectors)",
  choices: Object.values(LogFormat),
} as const satisfies OptionSpec;

/** The trending-model parameters (docs/trending-model.md). */
export const MODEL_OPTIONS = [
  { flag: "top-n", env: "TOP_N", type: "int", default: DEFAULT_PARAMS.topN, help: "topics per ranking", check: intIn(1, 10_000) },
  {
    flag: "window-days",
    env: "WINDOW_DAYS",
    type: "int",
    default: DEFAULT_PARAMS.windowDays,
    help: "days of hour buckets that count",
    check: intIn(1, 365),
  },
  {
    flag: "decay",
    env: "DECAY",
    type: "number",
    default: DEFAULT_PARAMS.decay,
    help: "how fast old hours lose weight (0 = plain popularity)",
    check: numIn(0, 100),
  },
  {
    flag: "idle-minutes",
    env: "IDLE_MINUTES",
    type: "int",
    default: DEFAULT_PARAMS.idleMinutes,
    help: "minutes without a live yes before a topic leaves",
    check: intIn(1, 525_600),
  },
  { flag: "include-event-names", env: "INCLUDE_EVENT_NAMES", type: "bool", default: false, help: "also count event names as topics" },
  {
    flag: "clock",
    env: "CLOCK",
    type: "string",
    default: DEFAULT_PARAMS.clock,
    help: "event (largest mtime seen) or processing (wall clock)",
    choices: [ClockMode.Event, ClockMode.Processing],
  },
] as const satisfies readonly OptionSpec[];

export const SHARD_OPTIONS = [
  {
    flag: "dedup-shards",
    env: "DEDUP_SHARDS",
    type: "int",
    default: 16,
    help: "virtual dedup shards (the same for every service)",
    check: intIn(1, 4096),
  },
  {
    flag: "counter-shards",
    env: "COUNTER_SHARDS",
    type: "int",
    default: 32,
    help: "virtual counter shards (the same for every service)",
    check: intIn(1, 4096),
  },
] as const satisfies readonly OptionSpec[];

export const KAFKA_OPTIONS = [
  {
    flag: "kafka-brokers",
    env: "KAFKA_BROKERS",
    type: "string",
    default: "127.0.0.1:9092",
    help: "Kafka bootstrap brokers, comma-separated",
  },
  { flag: "kafka-topic", env: "KAFKA_TOPIC", type: "string", default: "meetup", help: "the RSVP topic" },
  ...KAFKA_SECURITY_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** For the services that create NATS resources (ingest, dedup, counter, aggregator). */
export const NATS_REPLICAS = {
  flag: "nats-replicas",
  env: "NATS_REPLICAS",
  type: "int",
  default: 1,
  help: "replicas of every stream, KV bucket and object store the services create (at most the JetStream servers of the NATS cluster)",
  check: intIn(1, 5),
} as const satisfies OptionSpec;

/** For the services that create Kafka topics (the producer, ingest). */
export const KAFKA_TOPIC_OPTIONS = [
  {
    flag: "kafka-replication-factor",
    env: "KAFKA_REPLICATION_FACTOR",
    type: "int",
    default: 0,
    help: "replication factor of the topics the services create (0 = the brokers' default.replication.factor)",
    check: intIn(0, 32),
  },
  {
    flag: "kafka-min-insync-replicas",
    env: "KAFKA_MIN_INSYNC_REPLICAS",
    type: "int",
    default: 0,
    help: "min.insync.replicas of the topics the services create (0 = the brokers' default)",
    check: intIn(0, 32),
  },
] as const satisfies readonly OptionSpec[];

export const NATS_OPTIONS = [
  { flag: "nats-url", env: "NATS_URL", type: "string", default: "nats://127.0.0.1:4222", help: "NATS server(s), comma-separated" },
  {
    flag: "name-prefix",
    env: "NAME_PREFIX",
    type: "string",
    default: "mh",
    help: "prefix of every group, stream, subject and bucket the pipeline creates",
    check: (v: string) => (/^[A-Za-z0-9_-]{1,32}$/.test(v) ? undefined : "must be 1-32 letters, digits, _ or -"),
  },
  ...NATS_SECURITY_OPTIONS,
] as const satisfies readonly OptionSpec[];

export const HEALTH_PORT = {
  flag: "health-port",
  env: "HEALTH_PORT",
  type: "int",
  default: 8080,
  help: "HTTP port of /healthz and /readyz (0 = any free port)",
  check: intIn(0, 65_535),
} as const satisfies OptionSpec;

export const HEALTH_HOST = {
  flag: "health-host",
  env: "HEALTH_HOST",
  type: "string",
  default: "0.0.0.0",
  help: "address the health and metrics listener binds (127.0.0.1 keeps it local)",
} as const satisfies OptionSpec;

/** What every distributed service takes after its own options: health listener, logging, help. */
export const SERVICE_OPTIONS = [HEALTH_PORT, HEALTH_HOST, LOG_LEVEL, LOG_FORMAT, HELP] as const satisfies readonly OptionSpec[];

export function paramsFrom(v: ValuesOf<typeof MODEL_OPTIONS>): TrendingParams {
  return {
    topN: num(v, "top-n"),
    windowDays: num(v, "window-days"),
    decay: num(v, "decay"),
    idleMinutes: num(v, "idle-minutes"),
    includeEventNames: bool(v, "include-event-names"),
    clock: str(v, "clock") ?? DEFAULT_PARAMS.clock,
  };
}

/** Fields every service has: its log level and whether --help was asked. */
export interface BaseConfig {
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly help: boolean;
}

/** Where a service finds NATS and the names it creates there. */
export interface NatsConfig {
  readonly natsUrl: string;
  readonly prefix: string;
  /** How it logs in (user, token, creds) and its TLS files. */
  readonly natsSecurity: NatsSecurity;
}

/** How many copies of its NATS resources a service asks for. */
export interface NatsResourceConfig {
  readonly natsReplicas: number;
}

/** How the topics a service creates are replicated (0: the brokers' defaults). */
export interface KafkaTopicConfig {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/** Where a service finds Kafka and how it logs in. */
export interface KafkaConfig {
  readonly brokers: string[];
  readonly kafkaSecurity: KafkaSecurity;
}

export const baseFrom = (v: OptionValues<typeof LOG_LEVEL | typeof LOG_FORMAT | typeof HELP>): BaseConfig => ({
  logLevel: str(v, "log-level") ?? LogLevel.Info,
  logFormat: str(v, "log-format") ?? LogFormat.Text,
  help: bool(v, "help"),
});
export const natsFrom = (v: ValuesOf<typeof NATS_OPTIONS>): NatsConfig => ({
  natsUrl: str(v, "nats-url") ?? "",
  prefix: str(v, "name-prefix") ?? "mh",
  natsSecurity: natsSecurityFrom(v),
});
export const natsResourcesFrom = (v: OptionValues<typeof NATS_REPLICAS>): NatsResourceConfig => ({ natsReplicas: num(v, "nats-replicas") });
export const kafkaTopicFrom = (v: ValuesOf<typeof KAFKA_TOPIC_OPTIONS>): KafkaTopicConfig => ({
  replicationFactor: num(v, "kafka-replication-factor"),
  minInsyncReplicas: num(v, "kafka-min-insync-replicas"),
});
export const kafkaFrom = (v: ValuesOf<typeof KAFKA_OPTIONS>): KafkaConfig => ({
  brokers: (str(v, "kafka-brokers") ?? "").split(",").filter((b) => b !== ""),
  kafkaSecurity: kafkaSecurityFrom(v),
});

/** Where TrendingService listens (embedded `run` and the aggregator). */
export const GRPC_PORT = {
  flag: "grpc-port",
  env: "GRPC_PORT",
  type: "int",
  default: 50051,
  help: "port of TrendingService (0 = any free port)",
  check: intIn(0, 65_535),
} as const satisfies OptionSpec;
export const GRPC_HOST = {
  flag: "grpc-host",
  env: "GRPC_HOST",
  type: "string",
  default: "0.0.0.0",
  help: "address TrendingService binds",
} as const satisfies OptionSpec;
export const EMIT_INTERVAL = {
  flag: "emit-interval-ms",
  env: "EMIT_INTERVAL_MS",
  type: "int",
  default: 1000,
  help: "how often the ranking is recomputed and, when changed, emitted",
  check: intIn(50, 3_600_000),
} as const satisfies OptionSpec;
