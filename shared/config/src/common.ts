/** Settings shared by several commands and services: one name each, the same everywhere. */
import { ClockMode, DEFAULT_PARAMS, type TrendingParams } from "@meetuphype/core";
import type { OptionSpec, OptionValues } from "./options.js";
import { KAFKA_SECURITY_OPTIONS, NATS_SECURITY_OPTIONS, kafkaSecurityFrom, natsSecurityFrom } from "./broker-security.js";
import type { KafkaSecurity, NatsSecurity } from "./broker-security.js";

export const intIn = (lo: number, hi: number) => (v: number) => (v >= lo && v <= hi ? undefined : `must be an integer in [${lo}, ${hi}]`);
export const numIn = (lo: number, hi: number) => (v: number) => (v >= lo && v <= hi ? undefined : `must be a number in [${lo}, ${hi}]`);
export const oneOf =
  (...xs: string[]) =>
  (v: string) =>
    xs.includes(v) ? undefined : `must be one of ${xs.join(", ")}`;

export const HELP: OptionSpec = { flag: "help", short: "h", type: "bool", help: "print this help and exit" };
export const LOG_LEVEL: OptionSpec = {
  flag: "log-level",
  env: "LOG_LEVEL",
  type: "string",
  default: "info",
  help: "debug, info, warn, error or silent",
  check: oneOf("debug", "info", "warn", "error", "silent"),
};

export const LOG_FORMAT: OptionSpec = {
  flag: "log-format",
  env: "LOG_FORMAT",
  type: "string",
  default: "text",
  help: "text (a line per entry) or json (one JSON object a line, for log collectors)",
  check: oneOf("text", "json"),
};

/** The trending-model parameters (docs/trending-model.md). */
export const MODEL_OPTIONS: readonly OptionSpec[] = [
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
    check: oneOf(ClockMode.Event, ClockMode.Processing),
  },
];

export const SHARD_OPTIONS: readonly OptionSpec[] = [
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
];

export const KAFKA_OPTIONS: readonly OptionSpec[] = [
  {
    flag: "kafka-brokers",
    env: "KAFKA_BROKERS",
    type: "string",
    default: "127.0.0.1:9092",
    help: "Kafka bootstrap brokers, comma-separated",
  },
  { flag: "kafka-topic", env: "KAFKA_TOPIC", type: "string", default: "meetup", help: "the RSVP topic" },
  ...KAFKA_SECURITY_OPTIONS,
];

/** For the services that create NATS resources (ingest, dedup, counter, aggregator). */
export const NATS_REPLICAS: OptionSpec = {
  flag: "nats-replicas",
  env: "NATS_REPLICAS",
  type: "int",
  default: 1,
  help: "replicas of every stream, KV bucket and object store the services create (at most the JetStream servers of the NATS cluster)",
  check: intIn(1, 5),
};

/** For the services that create Kafka topics (the producer, ingest). */
export const KAFKA_TOPIC_OPTIONS: readonly OptionSpec[] = [
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
];

export const NATS_OPTIONS: readonly OptionSpec[] = [
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
];

export const HEALTH_PORT: OptionSpec = {
  flag: "health-port",
  env: "HEALTH_PORT",
  type: "int",
  default: 8080,
  help: "HTTP port of /healthz and /readyz (0 = any free port)",
  check: intIn(0, 65_535),
};

export const HEALTH_HOST: OptionSpec = {
  flag: "health-host",
  env: "HEALTH_HOST",
  type: "string",
  default: "0.0.0.0",
  help: "address the health and metrics listener binds (127.0.0.1 keeps it local)",
};

/** What every distributed service takes after its own options: health listener, logging, help. */
export const SERVICE_OPTIONS: readonly OptionSpec[] = [HEALTH_PORT, HEALTH_HOST, LOG_LEVEL, LOG_FORMAT, HELP];

export const str = (v: OptionValues, k: string): string | undefined => (v[k] === undefined ? undefined : String(v[k]));
export const num = (v: OptionValues, k: string): number => Number(v[k]);
export const bool = (v: OptionValues, k: string): boolean => v[k] === true;

export function paramsFrom(v: OptionValues): TrendingParams {
  return {
    topN: num(v, "top-n"),
    windowDays: num(v, "window-days"),
    decay: num(v, "decay"),
    idleMinutes: num(v, "idle-minutes"),
    includeEventNames: bool(v, "include-event-names"),
    clock: str(v, "clock") as TrendingParams["clock"],
  };
}

/** Fields every service has: its log level and whether --help was asked. */
export interface BaseConfig {
  readonly logLevel: string;
  readonly logFormat: string;
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

export const baseFrom = (v: OptionValues): BaseConfig => ({
  logLevel: str(v, "log-level") ?? "info",
  logFormat: str(v, "log-format") ?? "text",
  help: bool(v, "help"),
});
export const natsFrom = (v: OptionValues): NatsConfig => ({
  natsUrl: str(v, "nats-url") ?? "",
  prefix: str(v, "name-prefix") ?? "mh",
  natsSecurity: natsSecurityFrom(v),
});
export const natsResourcesFrom = (v: OptionValues): NatsResourceConfig => ({ natsReplicas: num(v, "nats-replicas") });
export const kafkaTopicFrom = (v: OptionValues): KafkaTopicConfig => ({
  replicationFactor: num(v, "kafka-replication-factor"),
  minInsyncReplicas: num(v, "kafka-min-insync-replicas"),
});
export const kafkaFrom = (v: OptionValues): KafkaConfig => ({
  brokers: (str(v, "kafka-brokers") ?? "").split(",").filter((b) => b !== ""),
  kafkaSecurity: kafkaSecurityFrom(v),
});

/** Where TrendingService listens (embedded `run` and the aggregator). */
export const GRPC_PORT: OptionSpec = {
  flag: "grpc-port",
  env: "GRPC_PORT",
  type: "int",
  default: 50051,
  help: "port of TrendingService (0 = any free port)",
  check: intIn(0, 65_535),
};
export const GRPC_HOST: OptionSpec = {
  flag: "grpc-host",
  env: "GRPC_HOST",
  type: "string",
  default: "0.0.0.0",
  help: "address TrendingService binds",
};
export const EMIT_INTERVAL: OptionSpec = {
  flag: "emit-interval-ms",
  env: "EMIT_INTERVAL_MS",
  type: "int",
  default: 1000,
  help: "how often the ranking is recomputed and, when changed, emitted",
  check: intIn(50, 3_600_000),
};
