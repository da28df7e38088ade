/**
 * Dispatches `meetuphype <command>`; turns known errors into a message and an
 * exit code. `--version` and every command's `--print-config` are answered here.
 */
import { createRequire } from "node:module";
import { effectiveConfig, type CommandContext, type OptionSpec } from "@meetuphype/config";
import { CLUSTER_OPTIONS, clusterCommand } from "./commands/cluster.js";
import { generateCommand, GENERATE_USAGE } from "./commands/generate.js";
import { runCommand, RUN_USAGE } from "./commands/run.js";
import { STATUS_OPTIONS, statusCommand } from "./commands/status.js";
import { watchCommand, WATCH_USAGE } from "./commands/watch.js";
import { GENERATE_OPTIONS, RUN_OPTIONS, WATCH_OPTIONS } from "./config.js";
import { reportKnownError } from "@meetuphype/config";
import { AGGREGATOR_OPTIONS, runAggregator } from "@meetuphype/aggregator";
import { COUNTER_OPTIONS, runCounter } from "@meetuphype/counter";
import { DEDUP_OPTIONS, runDedup } from "@meetuphype/dedup";
import { INGEST_OPTIONS, runIngest } from "@meetuphype/ingest";
import { PRODUCER_OPTIONS, runProducer } from "@meetuphype/producer";
import { BOARD_OPTIONS, runBoard } from "@meetuphype/board";

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

const COMMANDS: Record<string, (argv: readonly string[], ctx: CommandContext) => Promise<number>> = {
  run: runCommand,
  watch: watchCommand,
  generate: generateCommand,
  produce: runProducer,
  ingest: runIngest,
  dedup: runDedup,
  counter: runCounter,
  aggregator: runAggregator,
  board: runBoard,
  cluster: clusterCommand,
  status: statusCommand,
};

/** Each command's option table, for --print-config. */
export const COMMAND_OPTIONS: Record<string, readonly OptionSpec[]> = {
  run: RUN_OPTIONS,
  watch: WATCH_OPTIONS,
  generate: GENERATE_OPTIONS,
  produce: PRODUCER_OPTIONS,
  ingest: INGEST_OPTIONS,
  dedup: DEDUP_OPTIONS,
  counter: COUNTER_OPTIONS,
  aggregator: AGGREGATOR_OPTIONS,
  board: BOARD_OPTIONS,
  cluster: CLUSTER_OPTIONS,
  status: STATUS_OPTIONS,
};

export { RUN_USAGE, WATCH_USAGE, GENERATE_USAGE };

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
  const command = COMMANDS[name];
  if (command === undefined) {
    ctx.stderr.write(`meetuphype: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    if (rest.includes("--print-config")) {
      ctx.stdout.write(
        effectiveConfig(
          COMMAND_OPTIONS[name] ?? [],
          rest.filter((a) => a !== "--print-config"),
          ctx.env,
        ),
      );
      return 0;
    }
    return await command(rest, ctx);
  } catch (err) {
    const code = reportKnownError(err, `meetuphype ${name}`, (t) => ctx.stderr.write(t), ctx.signal.aborted);
    if (code === undefined) throw err;
    return code;
  }
}
