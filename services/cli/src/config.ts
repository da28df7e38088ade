/**
 * The typed configuration of each command, parsed and validated once from flags
 * and environment variables. Every field is documented in the option tables
 * below (which also produce --help).
 */
import type { TrendingParams } from "@meetuphype/core";
import { HTTP_OPTIONS, httpFrom, type HttpConfig } from "@meetuphype/board/config";
import {
  baseFrom,
  type BaseConfig,
  EMIT_INTERVAL,
  GRPC_HOST,
  GRPC_PORT,
  ConfigError,
  bool,
  HELP,
  intIn,
  LOG_LEVEL,
  LOG_FORMAT,
  MODEL_OPTIONS,
  num,
  numIn,
  paramsFrom,
  parseOptions,
  SHARD_OPTIONS,
  str,
  type OptionSource,
  GRPC_TLS_OPTIONS,
  WATCH_TLS_OPTIONS,
  serverTlsFrom,
  clientTlsFrom,
  KAFKA_SECURITY_OPTIONS,
  kafkaSecurityFrom,
  type KafkaSecurity,
  type OptionSpec,
  type ValuesOf,
} from "@meetuphype/config";

export const RUN_OPTIONS = [
  {
    flag: "input",
    short: "i",
    env: "INPUT",
    type: "string",
    help: "JSONL file to read, or - for standard input (default: the synthetic generator)",
  },
  {
    flag: "kafka-brokers",
    env: "KAFKA_BROKERS",
    type: "string",
    help: "read the RSVP topic from these Kafka brokers instead (comma-separated)",
  },
  { flag: "kafka-topic", env: "KAFKA_TOPIC", type: "string", default: "meetup", help: "with --kafka-brokers: the RSVP topic" },
  {
    flag: "kafka-group-id",
    env: "KAFKA_GROUP_ID",
    type: "string",
    default: "meetuphype-embedded",
    help: "with --kafka-brokers: the consumer group",
  },
  ...KAFKA_SECURITY_OPTIONS,
  {
    flag: "once",
    type: "bool",
    default: false,
    help: "process the whole input (with Kafka: up to the end offsets at start), print one ranking, exit",
  },
  { flag: "json", type: "bool", default: false, help: "with --once: print one JSON object (ranking and stats)" },
  ...MODEL_OPTIONS,
  EMIT_INTERVAL,
  GRPC_PORT,
  GRPC_HOST,
  ...GRPC_TLS_OPTIONS,
  { flag: "dead-letter", env: "DEAD_LETTER", type: "string", help: "append rejected lines to this JSONL file, with their reason" },
  { flag: "seed", env: "SEED", type: "int", default: 1, help: "synthetic source: random seed" },
  { flag: "rate", env: "RATE", type: "number", default: 50, help: "synthetic source: records per second", check: numIn(0.001, 1_000_000) },
  {
    flag: "count",
    env: "COUNT",
    type: "int",
    default: 0,
    help: "synthetic source: stop after this many records (0 = endless)",
    check: intIn(0, 1e12),
  },
  ...SHARD_OPTIONS,
  {
    flag: "parse-threads",
    env: "PARSE_THREADS",
    type: "int",
    default: 2,
    help: "threads that parse an --input file, each its share of the batches (standard input and Kafka: one)",
    check: intIn(1, 16),
  },
  { flag: "progress", env: "PROGRESS", type: "bool", default: true, help: "show a progress line on standard error for long inputs" },
  {
    flag: "metrics-port",
    env: "METRICS_PORT",
    type: "int",
    help: "serve GET /metrics (Prometheus), /healthz and /readyz on this port (off unless set; 0 = any free port)",
    check: intIn(0, 65_535),
  },
  { flag: "metrics-host", env: "METRICS_HOST", type: "string", default: "0.0.0.0", help: "with --metrics-port: the address it binds" },
  ...HTTP_OPTIONS,
  LOG_LEVEL,
  LOG_FORMAT,
  HELP,
] as const satisfies readonly OptionSpec[];

export const WATCH_OPTIONS = [
  { flag: "addr", env: "TRENDING_ADDR", type: "string", default: "localhost:50051", help: "host:port of TrendingService" },
  { flag: "limit", env: "LIMIT", type: "int", default: 0, help: "topics per snapshot (0 = the server's topN)", check: intIn(0, 10_000) },
  { flag: "once", type: "bool", default: false, help: "print the first snapshot, then exit" },
  {
    flag: "timeout-ms",
    env: "WATCH_TIMEOUT_MS",
    type: "int",
    default: 10_000,
    help: "with --once: give up (exit 1) when no ranking came within this long (0 = wait for ever)",
    check: intIn(0, 1e9),
  },
  { flag: "json", type: "bool", default: false, help: "one JSON object per snapshot" },
  {
    flag: "retries",
    env: "WATCH_RETRIES",
    type: "int",
    default: -1,
    help: "failed connection attempts in a row before giving up (-1 = keep reconnecting)",
    check: intIn(-1, 1e9),
  },
  ...WATCH_TLS_OPTIONS,
  HELP,
] as const satisfies readonly OptionSpec[];

export const GENERATE_OPTIONS = [
  { flag: "count", short: "n", type: "int", default: 1000, help: "lines to write", check: intIn(0, 1e12) },
  { flag: "seed", env: "SEED", type: "int", default: 1, help: "random seed" },
  { flag: "rate", env: "RATE", type: "number", default: 50, help: "records per second of virtual time", check: numIn(0.001, 1_000_000) },
  {
    flag: "start-ms",
    type: "int",
    default: Date.UTC(2024, 4, 1),
    help: "virtual time of the first record (ms since the epoch)",
    check: intIn(1, 8.64e15),
  },
  { flag: "output", short: "o", type: "string", help: "file to write (default: standard output)" },
  HELP,
] as const satisfies readonly OptionSpec[];

export interface RunConfig extends BaseConfig {
  readonly params: TrendingParams;
  readonly input: string | undefined;
  readonly kafka:
    { readonly brokers: string[]; readonly topic: string; readonly groupId: string; readonly security: KafkaSecurity } | undefined;
  readonly once: boolean;
  readonly json: boolean;
  readonly emitIntervalMs: number;
  readonly grpcPort: number;
  readonly grpcHost: string;
  readonly tls: ReturnType<typeof serverTlsFrom>;
  readonly deadLetter: string | undefined;
  readonly seed: number;
  readonly rate: number;
  readonly count: number;
  readonly dedupShards: number;
  readonly counterShards: number;
  /** Threads that parse a file given with `input` (`feedFileOnThread`). */
  readonly parseThreads: number;
  readonly progress: boolean;
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  /** The board (page, JSON, events) beside TrendingService. */
  readonly http: HttpConfig;
}

/**
 * Whether `run` reads Kafka: the source flags on the command line choose (`--input` or
 * `--count` mean a file or the synthetic source, whatever KAFKA_BROKERS says); a source set
 * twice at one level is an error. Returns the brokers, or undefined for the other sources.
 */
function kafkaSource(v: ValuesOf<typeof RUN_OPTIONS>, sources: Record<string, OptionSource>): string | undefined {
  const brokers = str(v, "kafka-brokers");
  if (brokers === undefined) return undefined;
  const flagged = (k: string): boolean => sources[k] === "flag";
  if (flagged("kafka-brokers")) {
    if (flagged("input")) throw new ConfigError("--input and --kafka-brokers are exclusive: pick one source");
    if (flagged("count")) throw new ConfigError("--count is for the synthetic source, not --kafka-brokers: pick one source");
    return brokers;
  }
  // KAFKA_BROKERS from the environment: a source chosen on the command line wins over it.
  if (flagged("input") || flagged("count")) return undefined;
  if (sources.input === "env")
    throw new ConfigError("INPUT and KAFKA_BROKERS are both set in the environment: unset one, or choose with --input / --kafka-brokers");
  return brokers;
}

/** The original Spark app's positional arguments, in its order. */
const POSITIONAL = ["kafka-brokers", "kafka-group-id", "kafka-topic", "top-n", "window-days", "decay"] as const;

export function runConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RunConfig {
  let { values: v, positionals, sources } = parseOptions(RUN_OPTIONS, argv, env);
  if (positionals.length > 0) {
    if (positionals.length !== POSITIONAL.length) {
      throw new ConfigError(
        `run takes no positional arguments, or the original app's six: <brokers> <groupId> <topic> <topN> <days> <decay> (got ${positionals.length})`,
      );
    }
    const flags = POSITIONAL.flatMap((f, i) => [`--${f}`, positionals[i] as string]);
    ({ values: v, positionals, sources } = parseOptions(RUN_OPTIONS, [...argv.filter((a) => !positionals.includes(a)), ...flags], env));
  }
  const brokers = kafkaSource(v, sources);
  return {
    params: paramsFrom(v),
    input: str(v, "input"),
    kafka:
      brokers === undefined
        ? undefined
        : {
            brokers: brokers.split(",").filter((b) => b !== ""),
            topic: str(v, "kafka-topic") ?? "meetup",
            groupId: str(v, "kafka-group-id") ?? "meetuphype-embedded",
            security: kafkaSecurityFrom(v),
          },
    once: bool(v, "once"),
    json: bool(v, "json"),
    emitIntervalMs: num(v, "emit-interval-ms"),
    grpcPort: num(v, "grpc-port"),
    grpcHost: str(v, "grpc-host") ?? "0.0.0.0",
    tls: serverTlsFrom(v),
    deadLetter: str(v, "dead-letter"),
    seed: num(v, "seed"),
    rate: num(v, "rate"),
    count: num(v, "count"),
    dedupShards: num(v, "dedup-shards"),
    counterShards: num(v, "counter-shards"),
    parseThreads: num(v, "parse-threads"),
    progress: bool(v, "progress"),
    metricsPort: v["metrics-port"] === undefined ? undefined : num(v, "metrics-port"),
    metricsHost: str(v, "metrics-host") ?? "0.0.0.0",
    http: httpFrom(v),
    ...baseFrom(v),
  };
}

export interface WatchConfig {
  readonly addr: string;
  readonly limit: number;
  readonly once: boolean;
  /** With `once`: how long to wait for a ranking (0: for ever). */
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly retries: number;
  readonly tls: ReturnType<typeof clientTlsFrom>;
  readonly help: boolean;
}

export function watchConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): WatchConfig {
  const { values: v } = parseOptions(WATCH_OPTIONS, argv, env);
  return {
    addr: str(v, "addr") ?? "localhost:50051",
    limit: num(v, "limit"),
    once: bool(v, "once"),
    timeoutMs: num(v, "timeout-ms"),
    json: bool(v, "json"),
    retries: num(v, "retries"),
    tls: clientTlsFrom(v),
    help: bool(v, "help"),
  };
}

export interface GenerateConfig {
  readonly count: number;
  readonly seed: number;
  readonly rate: number;
  readonly startMs: number;
  readonly output: string | undefined;
  readonly help: boolean;
}

export function generateConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): GenerateConfig {
  const { values: v } = parseOptions(GENERATE_OPTIONS, argv, env);
  return {
    count: num(v, "count"),
    seed: num(v, "seed"),
    rate: num(v, "rate"),
    startMs: num(v, "start-ms"),
    output: str(v, "output"),
    help: bool(v, "help"),
  };
}
