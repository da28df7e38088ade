/**
 * `meetuphype cluster`: the local stand-in for a cluster. Starts the producer,
 * ingest, dedup, counter and aggregator as child processes against the
 * configured brokers, prefixes their logs, and stops them all on Ctrl-C.
 */
import { HTTP_OPTIONS } from "@meetuphype/board";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import {
  EMIT_INTERVAL,
  GRPC_PORT,
  bool,
  HELP,
  intIn,
  KAFKA_OPTIONS,
  LOG_LEVEL,
  LOG_FORMAT,
  MODEL_OPTIONS,
  NATS_OPTIONS,
  num,
  optionHelp,
  parseOptions,
  SHARD_OPTIONS,
  str,
  type CommandContext,
  type OptionSpec,
  type OptionValues,
} from "@meetuphype/config";

export const CLUSTER_OPTIONS: readonly OptionSpec[] = [
  { flag: "ingests", type: "int", default: 1, help: "ingest replicas", check: intIn(0, 32) },
  { flag: "dedups", type: "int", default: 1, help: "dedup replicas", check: intIn(0, 32) },
  { flag: "counters", type: "int", default: 1, help: "counter replicas", check: intIn(0, 32) },
  {
    flag: "producer",
    type: "bool",
    default: true,
    help: "also run the producer (synthetic source; --no-producer to feed the topic yourself)",
  },
  { flag: "rate", env: "RATE", type: "number", default: 50, help: "producer: synthetic records per second" },
  { flag: "board", type: "bool", default: true, help: "also run the board on HTTP_PORT (--no-board: not)" },
  ...HTTP_OPTIONS,
  GRPC_PORT,
  EMIT_INTERVAL,
  ...KAFKA_OPTIONS,
  ...NATS_OPTIONS,
  ...SHARD_OPTIONS,
  ...MODEL_OPTIONS,
  LOG_LEVEL,
  LOG_FORMAT,
  HELP,
];

export const CLUSTER_USAGE = `Usage: meetuphype cluster [options]

Runs the distributed pipeline locally, one process per replica, against the
configured Kafka and NATS (start them with \`npm run infra:up\`). Ctrl-C stops
every process gracefully.

Options:
${optionHelp(CLUSTER_OPTIONS)}`;

/** The environment every child gets: the same names the services read. */
function childEnv(v: OptionValues, base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, val] of Object.entries(base)) if (val !== undefined) env[k] = val;
  for (const spec of CLUSTER_OPTIONS) {
    const val = v[spec.flag];
    if (spec.env !== undefined && val !== undefined) env[spec.env] = String(val);
  }
  env.HEALTH_PORT = "0";
  return env;
}

export async function clusterCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values: v } = parseOptions(CLUSTER_OPTIONS, argv, ctx.env);
  if (bool(v, "help")) {
    ctx.stdout.write(`${CLUSTER_USAGE}\n`);
    return 0;
  }
  const env = childEnv(v, ctx.env);
  const bin = process.argv[1] ?? "meetuphype";
  const children: { name: string; child: ChildProcess }[] = [];
  const start = (name: string, args: string[]): void => {
    // Each child in its own process group: a Ctrl-C reaches only this process,
    // which then stops every child once, gracefully.
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    createInterface({ input: child.stderr }).on("line", (l) => ctx.stderr.write(`[${name}] ${l}\n`));
    // The aggregator's standard output is the ranking itself: shown as it is.
    createInterface({ input: child.stdout }).on("line", (l) => ctx.stdout.write(name === "aggregator" ? `${l}\n` : `[${name}] ${l}\n`));
    child.on("exit", (code, sig) => ctx.stderr.write(`[${name}] exited ${sig ?? code ?? ""}\n`));
    children.push({ name, child });
  };
  process.once("exit", () => children.forEach(({ child }) => child.exitCode === null && child.kill("SIGKILL")));
  start("aggregator", ["aggregator"]);
  for (let i = 0; i < num(v, "counters"); i++) start(`counter-${i + 1}`, ["counter"]);
  for (let i = 0; i < num(v, "dedups"); i++) start(`dedup-${i + 1}`, ["dedup"]);
  for (let i = 0; i < num(v, "ingests"); i++) start(`ingest-${i + 1}`, ["ingest"]);
  if (bool(v, "producer")) start("producer", ["produce"]);
  if (bool(v, "board")) start("board", ["board", "--addr", `127.0.0.1:${num(v, "grpc-port")}`]);
  ctx.stderr.write(
    `cluster: ${children.length} processes against Kafka ${str(v, "kafka-brokers")} and NATS ${str(v, "nats-url")}; Ctrl-C stops them\n`,
  );

  const allExited = Promise.all(
    children.map(
      ({ child }) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve()))),
    ),
  );
  await Promise.race([allExited, new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }))]);
  for (const { child } of children) if (child.exitCode === null) child.kill("SIGTERM");
  const timer = setTimeout(() => children.forEach(({ child }) => child.exitCode === null && child.kill("SIGKILL")), 15_000);
  await allExited;
  clearTimeout(timer);
  return children.every(({ child }) => child.exitCode === 0 || child.signalCode === "SIGTERM") ? 0 : 1;
}
