/**
 * `meetuphype cluster`: the local stand-in for a cluster. Starts the producer,
 * ingest, dedup, counter and aggregator as child processes against the
 * configured brokers, prefixes their logs, prints where each one listens, and
 * stops them all on Ctrl-C.
 */
import { HTTP_OPTIONS } from "@meetuphype/board";
import { freePort } from "@meetuphype/infra";
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
  NATS_REPLICAS,
  KAFKA_TOPIC_OPTIONS,
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
  ...KAFKA_TOPIC_OPTIONS,
  ...NATS_OPTIONS,
  NATS_REPLICAS,
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
  return env;
}

export interface ClusterChild {
  readonly name: string;
  readonly args: readonly string[];
  /** Its health and metrics port (HEALTH_PORT), chosen by the cluster so that it can print it. */
  readonly healthPort: number;
  /** Where a person reaches it, beside /healthz, /readyz and /metrics. */
  readonly serves?: string;
}

/** The processes `cluster` starts for `v`, each with one of `healthPorts` (as many as there are children). Pure. */
export function clusterPlan(v: OptionValues, healthPorts: readonly number[]): ClusterChild[] {
  const named: { name: string; args: string[]; serves?: string }[] = [
    { name: "aggregator", args: ["aggregator"], serves: `gRPC 127.0.0.1:${num(v, "grpc-port")}` },
  ];
  const replicas = (kind: string, n: number): void => {
    for (let i = 0; i < n; i++) named.push({ name: `${kind}-${i + 1}`, args: [kind] });
  };
  replicas("counter", num(v, "counters"));
  replicas("dedup", num(v, "dedups"));
  replicas("ingest", num(v, "ingests"));
  if (bool(v, "producer")) named.push({ name: "producer", args: ["produce"] });
  if (bool(v, "board"))
    named.push({
      name: "board",
      args: ["board", "--addr", `127.0.0.1:${num(v, "grpc-port")}`],
      serves: `the board http://localhost:${num(v, "http-port")}/`,
    });
  return named.map((c, i) => {
    const healthPort = healthPorts[i];
    if (healthPort === undefined) throw new Error(`clusterPlan: no health port for ${c.name}`);
    return { ...c, healthPort };
  });
}

/** One line per child: its name, what it serves, and its health and metrics address. */
export function clusterAddresses(children: readonly ClusterChild[]): string {
  const width = Math.max(...children.map((c) => c.name.length));
  return children
    .map(
      (c) =>
        `  ${c.name.padEnd(width)}  ${c.serves !== undefined ? `${c.serves}; ` : ""}health and metrics http://127.0.0.1:${c.healthPort}/metrics`,
    )
    .join("\n");
}

export async function clusterCommand(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values: v } = parseOptions(CLUSTER_OPTIONS, argv, ctx.env);
  if (bool(v, "help")) {
    ctx.stdout.write(`${CLUSTER_USAGE}\n`);
    return 0;
  }
  const env = childEnv(v, ctx.env);
  const bin = process.argv[1] ?? "meetuphype";
  const count = 1 + num(v, "counters") + num(v, "dedups") + num(v, "ingests") + Number(bool(v, "producer")) + Number(bool(v, "board"));
  const plan = clusterPlan(v, await Promise.all(Array.from({ length: count }, () => freePort())));
  const children: { name: string; child: ChildProcess }[] = [];
  const start = ({ name, args, healthPort }: ClusterChild): void => {
    // Each child in its own process group: a Ctrl-C reaches only this process,
    // which then stops every child once, gracefully.
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...env, HEALTH_PORT: String(healthPort) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    createInterface({ input: child.stderr }).on("line", (l) => ctx.stderr.write(`[${name}] ${l}\n`));
    // The aggregator's standard output is the ranking itself: shown as it is.
    createInterface({ input: child.stdout }).on("line", (l) => ctx.stdout.write(name === "aggregator" ? `${l}\n` : `[${name}] ${l}\n`));
    child.on("exit", (code, sig) => ctx.stderr.write(`[${name}] exited ${sig ?? code ?? ""}\n`));
    children.push({ name, child });
  };
  process.once("exit", () => children.forEach(({ child }) => child.exitCode === null && child.kill("SIGKILL")));
  plan.forEach(start);
  ctx.stderr.write(
    `cluster: ${children.length} processes against Kafka ${str(v, "kafka-brokers")} and NATS ${str(v, "nats-url")}; Ctrl-C stops them\n${clusterAddresses(plan)}\n`,
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
