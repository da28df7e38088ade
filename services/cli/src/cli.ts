/** Dispatches `meetuphype <command>`; turns known errors into a message and an exit code. */
import type { CommandContext } from "@meetuphype/config";
import { clusterCommand } from "./commands/cluster.js";
import { generateCommand, GENERATE_USAGE } from "./commands/generate.js";
import { runCommand, RUN_USAGE } from "./commands/run.js";
import { statusCommand } from "./commands/status.js";
import { watchCommand, WATCH_USAGE } from "./commands/watch.js";
import { reportKnownError } from "@meetuphype/config";
import { runAggregator } from "@meetuphype/aggregator";
import { runCounter } from "@meetuphype/counter";
import { runDedup } from "@meetuphype/dedup";
import { runIngest } from "@meetuphype/ingest";
import { runProducer } from "@meetuphype/producer";

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
  cluster    all of the above as local child processes (--counters N, --dedups N, --ingests N)
  status     replicas, shard owners, pending messages and lag of a running pipeline (--json)

Run \`meetuphype <command> --help\` for a command's options.`;

const COMMANDS: Record<string, (argv: readonly string[], ctx: CommandContext) => Promise<number>> = {
  run: runCommand,
  watch: watchCommand,
  generate: generateCommand,
  produce: runProducer,
  ingest: runIngest,
  dedup: runDedup,
  counter: runCounter,
  aggregator: runAggregator,
  cluster: clusterCommand,
  status: statusCommand,
};

export { RUN_USAGE, WATCH_USAGE, GENERATE_USAGE };

export async function cli(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    ctx.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    ctx.stderr.write(`meetuphype: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command(rest, ctx);
  } catch (err) {
    const code = reportKnownError(err, `meetuphype ${name}`, (t) => ctx.stderr.write(t), ctx.signal.aborted);
    if (code === undefined) throw err;
    return code;
  }
}
