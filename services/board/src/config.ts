/** The board's configuration, parsed once from flags and environment variables. */
import {
  type ValuesOf,
  baseFrom,
  clientTlsFrom,
  intIn,
  num,
  parseOptions,
  SERVICE_OPTIONS,
  str,
  WATCH_TLS_OPTIONS,
  type BaseConfig,
  type OptionSpec,
} from "@meetuphype/config";

/** Where the page, the JSON and the event stream are served (the board service and `run`). */
export const HTTP_OPTIONS = [
  {
    flag: "http-port",
    env: "HTTP_PORT",
    type: "int",
    default: 8088,
    help: "port of the board: the page (/), /api/trending, /api/history, /api/stream (0 = any free port)",
    check: intIn(0, 65_535),
  },
  { flag: "http-host", env: "HTTP_HOST", type: "string", default: "0.0.0.0", help: "address the board binds" },
  {
    flag: "max-viewers",
    env: "MAX_VIEWERS",
    type: "int",
    default: 20_000,
    help: "open event streams at most; more get 503",
    check: intIn(1, 1_000_000),
  },
] as const satisfies readonly OptionSpec[];

export const BOARD_OPTIONS = [
  {
    flag: "addr",
    env: "TRENDING_ADDR",
    type: "string",
    default: "localhost:50051",
    help: "TrendingService to follow (the aggregator, or `meetuphype run`)",
  },
  ...WATCH_TLS_OPTIONS,
  ...HTTP_OPTIONS,
  ...SERVICE_OPTIONS,
] as const satisfies readonly OptionSpec[];

export interface HttpConfig {
  readonly httpPort: number;
  readonly httpHost: string;
  readonly maxViewers: number;
}

export interface BoardConfig extends BaseConfig, HttpConfig {
  readonly addr: string;
  readonly tls: ReturnType<typeof clientTlsFrom>;
  readonly healthPort: number;
  readonly healthHost: string;
}

export const httpFrom = (v: ValuesOf<typeof HTTP_OPTIONS>): HttpConfig => ({
  httpPort: num(v, "http-port"),
  httpHost: str(v, "http-host") ?? "0.0.0.0",
  maxViewers: num(v, "max-viewers"),
});

export function boardConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BoardConfig {
  const { values: v } = parseOptions(BOARD_OPTIONS, argv, env);
  return {
    ...baseFrom(v),
    ...httpFrom(v),
    addr: str(v, "addr") ?? "localhost:50051",
    tls: clientTlsFrom(v),
    healthPort: num(v, "health-port"),
    healthHost: str(v, "health-host") ?? "0.0.0.0",
  };
}
