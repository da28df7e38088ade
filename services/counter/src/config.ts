/** The counter service's configuration, parsed once from flags and environment variables. */
import {
  SERVICE_OPTIONS,
  baseFrom,
  natsFrom,
  natsResourcesFrom,
  NATS_REPLICAS,
  type NatsResourceConfig,
  type BaseConfig,
  type NatsConfig,
  MODEL_OPTIONS,
  NATS_OPTIONS,
  num,
  str,
  paramsFrom,
  parseOptions,
  SHARD_OPTIONS,
  type OptionSpec,
} from "@meetuphype/config";
import type { TrendingParams } from "@meetuphype/core";

export const COUNTER_OPTIONS = [
  ...NATS_OPTIONS,
  NATS_REPLICAS,
  ...SHARD_OPTIONS,
  ...MODEL_OPTIONS,
  ...SERVICE_OPTIONS,
] as const satisfies readonly OptionSpec[];

export interface CounterConfig extends BaseConfig, NatsConfig, NatsResourceConfig {
  readonly counterShards: number;
  readonly dedupShards: number;
  readonly params: TrendingParams;
  readonly healthPort: number;
  readonly healthHost: string;
}

export function counterConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CounterConfig {
  const { values: v } = parseOptions(COUNTER_OPTIONS, argv, env);
  return {
    ...baseFrom(v),
    ...natsFrom(v),
    ...natsResourcesFrom(v),
    counterShards: num(v, "counter-shards"),
    dedupShards: num(v, "dedup-shards"),
    params: paramsFrom(v),
    healthPort: num(v, "health-port"),
    healthHost: str(v, "health-host") ?? "0.0.0.0",
  };
}
