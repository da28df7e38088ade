/** The counter service's configuration, parsed once from flags and environment variables. */
import {
  bool,
  HEALTH_PORT,
  HELP,
  LOG_LEVEL,
  MODEL_OPTIONS,
  NATS_OPTIONS,
  num,
  paramsFrom,
  parseOptions,
  SHARD_OPTIONS,
  str,
  type OptionSpec,
} from "@meetuphype/config";
import type { TrendingParams } from "@meetuphype/core";

export const COUNTER_OPTIONS: readonly OptionSpec[] = [...NATS_OPTIONS, ...SHARD_OPTIONS, ...MODEL_OPTIONS, HEALTH_PORT, LOG_LEVEL, HELP];

export interface CounterConfig {
  readonly natsUrl: string;
  readonly prefix: string;
  readonly counterShards: number;
  readonly params: TrendingParams;
  readonly healthPort: number;
  readonly logLevel: string;
  readonly help: boolean;
}

export function counterConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CounterConfig {
  const { values: v } = parseOptions(COUNTER_OPTIONS, argv, env);
  return {
    natsUrl: str(v, "nats-url") ?? "",
    prefix: str(v, "name-prefix") ?? "mh",
    counterShards: num(v, "counter-shards"),
    params: paramsFrom(v),
    healthPort: num(v, "health-port"),
    logLevel: str(v, "log-level") ?? "info",
    help: bool(v, "help"),
  };
}
