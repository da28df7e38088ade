/**
 * Dispatches `meetuphype <command>`; turns known errors into a message and an
 * exit code. `--version` and every command's `--print-config` are answered here.
 */
import { createRequire } from "node:module";
import { effectiveConfig, reportKnownError, type CommandContext, type OptionSpec } from "@meetuphype/config";

/** The version of this package (services/cli/package.json). */
export const VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export const USAGE = `Usage: meetuphype <command> [options]

Trending topics in a stream of Meetup RSVPs.

Commands:
  run        the whole pipeline in one process (synthetic source by default)
  watch      stream rankings from a running TrendingService
  generate   write synthetic RSVP lines

Distributed services (Kafka + NATS; start local brokers with npm run infra:up):
  produce    feed the Kafka topic (synthetic, file, standard input, HTTP stream)
  ingest     Kafka consumer group → validation, dead letters → dedup shards
  dedup      dedup shard replica
  counter    counter shard replica
  aggregator global ranking; TrendingService on gRPC; console
  board      the live web page, JSON and event stream, fed by TrendingService
  cluster    all of the above as local child processes (--counters N, --dedups N, --ingests N)
  status     replicas, shard owners, pending messages and lag of a running pipeline (--json)

Run \`meetuphype <command> --help\` for a command's options, and
\`meetuphype <command> [options] --print-config\` for the settings it would use
(from flags, environment and defaults; secrets masked). \`meetuphype --version\`.`;

/** A command: what runs it, and its option table (for --print-config). */
export interface Command {
  readonly run: (argv: readonly string[], ctx: CommandContext) => Promise<number>;
  readonly options: readonly OptionSpec[];
}

/** A command from its module: loaded when asked for, then its runner and its options. */
const lazy =
  <M>(load: () => Promise<M>, pick: (m: M) => Command) =>
  async (): Promise<Command> =>
    pick(await load());

/**
 * Each command's code, loaded only when that command runs: a dedup replica loads the dedup
 * service, not gRPC, the board and the other services (start-up CPU, on every replica start).
 */
export const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  run: lazy(
    () => import("./commands/run.js"),
    (m) => ({ run: m.runCommand, options: m.RUN_OPTIONS }),
  ),
  watch: lazy(
    () => import("./commands/watch.js"),
    (m) => ({ run: m.watchCommand, options: m.WATCH_OPTIONS }),
  ),
  generate: lazy(
    () => import("./commands/generate.js"),
    (m) => ({ run: m.generateCommand, options: m.GENERATE_OPTIONS }),
  ),
  produce: lazy(
    () => import("@meetuphype/producer"),
    (m) => ({ run: m.runProducer, options: m.PRODUCER_OPTIONS }),
  ),
  ingest: lazy(
    () => import("@meetuphype/ingest"),
    (m) => ({ run: m.runIngest, options: m.INGEST_OPTIONS }),
  ),
  dedup: lazy(
    () => import("@meetuphype/dedup"),
    (m) => ({ run: m.runDedup, options: m.DEDUP_OPTIONS }),
  ),
  counter: lazy(
    () => import("@meetuphype/counter"),
    (m) => ({ run: m.runCounter, options: m.COUNTER_OPTIONS }),
  ),
  aggregator: lazy(
    () => import("@meetuphype/aggregator"),
    (m) => ({ run: m.runAggregator, options: m.AGGREGATOR_OPTIONS }),
  ),
  board: lazy(
    () => import("@meetuphype/board"),
    (m) => ({ run: m.runBoard, options: m.BOARD_OPTIONS }),
  ),
  cluster: lazy(
    () => import("./commands/cluster.js"),
    (m) => ({ run: m.clusterCommand, options: m.CLUSTER_OPTIONS }),
  ),
  status: lazy(
    () => import("./commands/status.js"),
    (m) => ({ run: m.statusCommand, options: m.STATUS_OPTIONS }),
  ),
};

export async function cli(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    ctx.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    ctx.stdout.write(`meetuphype ${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    ctx.stderr.write(`meetuphype: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const command = await load();
    if (rest.includes("--print-config")) {
      ctx.stdout.write(
        effectiveConfig(
          command.options,
          rest.filter((a) => a !== "--print-config"),
          ctx.env,
        ),
      );
      return 0;
    }
    return await command.run(rest, ctx);
  } catch (err) {
    const code = reportKnownError(err, `meetuphype ${name}`, (t) => ctx.stderr.write(t), ctx.signal.aborted);
    if (code === undefined) throw err;
    return code;
  }
}
