/** The producer's configuration, parsed once from flags and environment variables. */
import {
  baseFrom,
  type BaseConfig,
  kafkaFrom,
  kafkaTopicFrom,
  KAFKA_TOPIC_OPTIONS,
  type KafkaTopicConfig,
  type KafkaConfig,
  SERVICE_OPTIONS,
  bool,
  intIn,
  KAFKA_OPTIONS,
  num,
  numIn,
  parseOptions,
  str,
  ConfigError,
  type OptionSpec,
} from "@meetuphype/config";

export const PRODUCER_OPTIONS = [
  ...KAFKA_OPTIONS,
  ...KAFKA_TOPIC_OPTIONS,
  {
    flag: "input",
    short: "i",
    env: "INPUT",
    type: "string",
    help: "JSONL file, or - for standard input (default: the synthetic generator)",
  },
  { flag: "url", env: "SOURCE_URL", type: "string", help: "a live HTTP stream of newline-delimited JSON (reconnects with backoff)" },
  {
    flag: "speedup",
    env: "SPEEDUP",
    type: "number",
    help: "file input: replay at N times the capture's pace (by mtime)",
    check: numIn(0.001, 1e9),
  },
  {
    flag: "rate",
    env: "RATE",
    type: "number",
    help: "records per second (synthetic default 50; file default: as fast as possible)",
    check: numIn(0.001, 1_000_000),
  },
  { flag: "seed", env: "SEED", type: "int", default: 1, help: "synthetic source: random seed" },
  {
    flag: "count",
    env: "COUNT",
    type: "int",
    default: 0,
    help: "synthetic source: stop after this many records (0 = endless)",
    check: intIn(0, 1e12),
  },
  {
    flag: "partitions",
    env: "KAFKA_PARTITIONS",
    type: "int",
    default: 4,
    help: "partitions of the topic when the producer creates it",
    check: intIn(1, 1000),
  },
  { flag: "progress", env: "PROGRESS", type: "bool", default: true, help: "show a progress line on standard error for long inputs" },
  ...SERVICE_OPTIONS,
] as const satisfies readonly OptionSpec[];

export type ProducerSource =
  | { readonly kind: "synthetic"; readonly seed: number; readonly rate: number; readonly count: number }
  | { readonly kind: "file"; readonly path: string; readonly speedup: number | undefined; readonly rate: number | undefined }
  | { readonly kind: "url"; readonly url: string };

export interface ProducerConfig extends BaseConfig, KafkaConfig, KafkaTopicConfig {
  readonly topic: string;
  readonly source: ProducerSource;
  readonly partitions: number;
  readonly progress: boolean;
  readonly healthPort: number;
  readonly healthHost: string;
}

export function producerConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ProducerConfig {
  const { values: v } = parseOptions(PRODUCER_OPTIONS, argv, env);
  const input = str(v, "input");
  const url = str(v, "url");
  if (input !== undefined && url !== undefined) throw new ConfigError("--input and --url are exclusive: pick one source");
  const speedup = v.speedup === undefined ? undefined : num(v, "speedup");
  const rate = v.rate === undefined ? undefined : num(v, "rate");
  if (speedup !== undefined && rate !== undefined)
    throw new ConfigError("--speedup and --rate are exclusive: pace by the capture's clock or by a fixed rate");
  if (speedup !== undefined && input === undefined) throw new ConfigError("--speedup needs --input (it replays a capture at its own pace)");
  const source: ProducerSource =
    url !== undefined
      ? { kind: "url", url }
      : input !== undefined
        ? { kind: "file", path: input, speedup, rate }
        : { kind: "synthetic", seed: num(v, "seed"), rate: rate ?? 50, count: num(v, "count") };
  return {
    ...baseFrom(v),
    ...kafkaFrom(v),
    ...kafkaTopicFrom(v),
    topic: str(v, "kafka-topic") ?? "meetup",
    source,
    partitions: num(v, "partitions"),
    progress: bool(v, "progress"),
    healthPort: num(v, "health-port"),
    healthHost: str(v, "health-host") ?? "0.0.0.0",
  };
}
