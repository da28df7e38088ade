/** The aggregator's configuration, parsed once from flags and environment variables. */
import {
  KAFKA_OPTIONS,
  kafkaFrom,
  type KafkaConfig,
  SERVICE_OPTIONS,
  EMIT_INTERVAL,
  GRPC_HOST,
  GRPC_PORT,
  baseFrom,
  GRPC_TLS_OPTIONS,
  serverTlsFrom,
  natsFrom,
  natsResourcesFrom,
  NATS_REPLICAS,
  type NatsResourceConfig,
  type BaseConfig,
  type NatsConfig,
  bool,
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

export const AGGREGATOR_OPTIONS = [
  ...KAFKA_OPTIONS,
  ...NATS_OPTIONS,
  NATS_REPLICAS,
  ...SHARD_OPTIONS,
  ...MODEL_OPTIONS,
  EMIT_INTERVAL,
  GRPC_PORT,
  GRPC_HOST,
  ...GRPC_TLS_OPTIONS,
  { flag: "console", env: "CONSOLE", type: "bool", default: true, help: "print the ranking to standard output when it changes" },
  ...SERVICE_OPTIONS,
] as const satisfies readonly OptionSpec[];

export interface AggregatorConfig extends BaseConfig, NatsConfig, KafkaConfig, NatsResourceConfig {
  /** The input topic: rankings name their cut in it, and its end offsets tell how far behind they are. */
  readonly topic: string;
  readonly counterShards: number;
  readonly dedupShards: number;
  readonly params: TrendingParams;
  readonly grpcPort: number;
  readonly grpcHost: string;
  /** TrendingService's TLS material; plaintext when undefined. */
  readonly tls: ReturnType<typeof serverTlsFrom>;
  readonly emitIntervalMs: number;
  readonly console: boolean;
  readonly healthPort: number;
  readonly healthHost: string;
}

export function aggregatorConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): AggregatorConfig {
  const { values: v } = parseOptions(AGGREGATOR_OPTIONS, argv, env);
  return {
    ...baseFrom(v),
    ...natsFrom(v),
    ...natsResourcesFrom(v),
    ...kafkaFrom(v),
    topic: str(v, "kafka-topic") ?? "meetup",
    counterShards: num(v, "counter-shards"),
    dedupShards: num(v, "dedup-shards"),
    params: paramsFrom(v),
    grpcPort: num(v, "grpc-port"),
    grpcHost: str(v, "grpc-host") ?? "0.0.0.0",
    tls: serverTlsFrom(v),
    emitIntervalMs: num(v, "emit-interval-ms"),
    console: bool(v, "console"),
    healthPort: num(v, "health-port"),
    healthHost: str(v, "health-host") ?? "0.0.0.0",
  };
}
