/**
 * The typed configuration of each command, parsed and validated once from flags
 * and environment variables. Every field is documented in the option tables
 * below (which also produce --help).
 */
import { ClockMode, DEFAULT_PARAMS, type TrendingParams } from "@meetuphype/core";
import type { LogLevel } from "@meetuphype/actors";
import { parseOptions, type OptionSpec, type OptionValues } from "./options.js";

const intIn = (lo: number, hi: number) => (v: number) => (v >= lo && v <= hi ? undefined : `must be an integer in [${lo}, ${hi}]`);
const numIn = (lo: number, hi: number) => (v: number) => (v >= lo && v <= hi ? undefined : `must be a number in [${lo}, ${hi}]`);
const oneOf =
  (...xs: string[]) =>
  (v: string) =>
    xs.includes(v) ? undefined : `must be one of ${xs.join(", ")}`;

export const HELP: OptionSpec = { flag: "help", short: "h", type: "bool", help: "print this help and exit" };
const LOG_LEVEL: OptionSpec = {
  flag: "log-level",
  env: "LOG_LEVEL",
  type: "string",
  default: "info",
  help: "debug, info, warn, error or silent",
  check: oneOf("debug", "info", "warn", "error", "silent"),
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

export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    flag: "input",
    short: "i",
    env: "INPUT",
    type: "string",
    help: "JSONL file to read, or - for standard input (default: the synthetic generator)",
  },
  { flag: "once", type: "bool", default: false, help: "process the whole input, print one ranking, exit" },
  { flag: "json", type: "bool", default: false, help: "with --once: print one JSON object (ranking and stats)" },
  ...MODEL_OPTIONS,
  {
    flag: "emit-interval-ms",
    env: "EMIT_INTERVAL_MS",
    type: "int",
    default: 1000,
    help: "how often the ranking is recomputed and, when changed, emitted",
    check: intIn(50, 3_600_000),
  },
  {
    flag: "grpc-port",
    env: "GRPC_PORT",
    type: "int",
    default: 50051,
    help: "port of TrendingService (0 = any free port)",
    check: intIn(0, 65_535),
  },
  { flag: "grpc-host", env: "GRPC_HOST", type: "string", default: "0.0.0.0", help: "address TrendingService binds" },
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
  { flag: "dedup-shards", env: "DEDUP_SHARDS", type: "int", default: 16, help: "virtual dedup shards", check: intIn(1, 4096) },
  { flag: "counter-shards", env: "COUNTER_SHARDS", type: "int", default: 32, help: "virtual counter shards", check: intIn(1, 4096) },
  { flag: "progress", env: "PROGRESS", type: "bool", default: true, help: "show a progress line on standard error for long inputs" },
  LOG_LEVEL,
  HELP,
];

export const WATCH_OPTIONS: readonly OptionSpec[] = [
  { flag: "addr", env: "TRENDING_ADDR", type: "string", default: "localhost:50051", help: "host:port of TrendingService" },
  { flag: "limit", env: "LIMIT", type: "int", default: 0, help: "topics per snapshot (0 = the server's topN)", check: intIn(0, 10_000) },
  { flag: "once", type: "bool", default: false, help: "print the first snapshot, then exit" },
  { flag: "json", type: "bool", default: false, help: "one JSON object per snapshot" },
  HELP,
];

export const GENERATE_OPTIONS: readonly OptionSpec[] = [
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
];

export interface RunConfig {
  readonly params: TrendingParams;
  readonly input: string | undefined;
  readonly once: boolean;
  readonly json: boolean;
  readonly emitIntervalMs: number;
  readonly grpcPort: number;
  readonly grpcHost: string;
  readonly deadLetter: string | undefined;
  readonly seed: number;
  readonly rate: number;
  readonly count: number;
  readonly dedupShards: number;
  readonly counterShards: number;
  readonly progress: boolean;
  readonly logLevel: LogLevel;
  readonly help: boolean;
}

const str = (v: OptionValues, k: string): string | undefined => (v[k] === undefined ? undefined : String(v[k]));
const num = (v: OptionValues, k: string): number => Number(v[k]);
const bool = (v: OptionValues, k: string): boolean => v[k] === true;

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

export function runConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): RunConfig {
  const { values: v } = parseOptions(RUN_OPTIONS, argv, env);
  return {
    params: paramsFrom(v),
    input: str(v, "input"),
    once: bool(v, "once"),
    json: bool(v, "json"),
    emitIntervalMs: num(v, "emit-interval-ms"),
    grpcPort: num(v, "grpc-port"),
    grpcHost: str(v, "grpc-host") ?? "0.0.0.0",
    deadLetter: str(v, "dead-letter"),
    seed: num(v, "seed"),
    rate: num(v, "rate"),
    count: num(v, "count"),
    dedupShards: num(v, "dedup-shards"),
    counterShards: num(v, "counter-shards"),
    progress: bool(v, "progress"),
    logLevel: str(v, "log-level") as LogLevel,
    help: bool(v, "help"),
  };
}

export interface WatchConfig {
  readonly addr: string;
  readonly limit: number;
  readonly once: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

export function watchConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): WatchConfig {
  const { values: v } = parseOptions(WATCH_OPTIONS, argv, env);
  return {
    addr: str(v, "addr") ?? "localhost:50051",
    limit: num(v, "limit"),
    once: bool(v, "once"),
    json: bool(v, "json"),
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
