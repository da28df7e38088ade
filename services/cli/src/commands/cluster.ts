/**
 * `meetuphype cluster`: the local stand-in for a cluster. Starts the producer,
 * ingest, dedup, counter and aggregator as child processes against the
 * configured brokers, prefixes their logs, prints where each one listens,
 * starts again (with a growing wait) a child that exits on its own, and stops
 * them all on Ctrl-C. Its children stop when it dies, whatever killed it.
 */
import { HTTP_OPTIONS } from "@meetuphype/board/config";
import { freePorts } from "@meetuphype/infra";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { serviceNodeOptions } from "../node-options.js";
import { nextRestart, restartLine } from "./restart-policy.js";
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
  type ValuesOf,
} from "@meetuphype/config";

export const CLUSTER_OPTIONS = [
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
] as const satisfies readonly OptionSpec[];

export const CLUSTER_USAGE = `Usage: meetuphype cluster [options]

Runs the distributed pipeline locally, one process per replica, against the
configured Kafka and NATS (start them with \`npm run infra:up\`). A process that
exits on its own is started again (at once, then after 1 s, 2 s, ... up to 30 s).
Ctrl-C stops every process gracefully; if \`cluster\` itself dies, they stop too.

Options:
${optionHelp(CLUSTER_OPTIONS)}`;

/** The environment every child gets: the same names the services read. */
export function childEnv(v: OptionValues, base: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, val] of Object.entries(base)) if (val !== undefined) env[k] = val;
  for (const spec of CLUSTER_OPTIONS as readonly OptionSpec[]) {
    const val = v[spec.flag];
    if (spec.env !== undefined && val !== undefined) env[spec.env] = String(val);
  }
  // The children run with the services' Node options, as in the image (node-options.ts).
  env.NODE_OPTIONS = serviceNodeOptions(base.NODE_OPTIONS);
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
export function clusterPlan(v: ValuesOf<typeof CLUSTER_OPTIONS>, healthPorts: readonly number[]): ClusterChild[] {
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

/**
 * `count` health ports from `candidates` (free ports, distinct), none of them one the cluster was
 * told to use: the gRPC and board ports are free too until those children bind them, so a free
 * port may be one of them (a child's health server then took the board's port). Pure.
 */
export function healthPortsFrom(candidates: readonly number[], reserved: readonly number[], count: number): number[] {
  const ports = candidates.filter((p) => !reserved.includes(p)).slice(0, count);
  if (ports.length < count) throw new Error(`healthPortsFrom: ${count} ports asked, ${ports.length} free`);
  return ports;
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
  const reserved = [num(v, "grpc-port"), num(v, "http-port")];
  const plan = clusterPlan(v, healthPortsFrom(await freePorts(count + reserved.length), reserved, count));
  const children = new Map<string, ChildProcess>();
  const stopping = (): boolean => ctx.signal.aborted;
  // Each child has an IPC channel: when this process dies, however (SIGKILL included), the
  // channel closes and the child stops itself (watchSupervisor in @meetuphype/config).
  const start = ({ name, args, healthPort }: ClusterChild, restarts = 0): void => {
    // Each child in its own process group: a Ctrl-C reaches only this process,
    // which then stops every child once, gracefully.
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...env, HEALTH_PORT: String(healthPort) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      detached: true,
    });
    const startedAt = Date.now();
    createInterface({ input: child.stderr! }).on("line", (l) => ctx.stderr.write(`[${name}] ${l}\n`));
    // The aggregator's standard output is the ranking itself: shown as it is.
    createInterface({ input: child.stdout! }).on("line", (l) => ctx.stdout.write(name === "aggregator" ? `${l}\n` : `[${name}] ${l}\n`));
    child.on("error", (err) => ctx.stderr.write(`[${name}] could not start: ${err.message}\n`));
    child.on("exit", (code, sig) => {
      const exit = String(sig ?? code ?? "");
      if (stopping()) {
        ctx.stderr.write(`[${name}] exited ${exit}\n`);
        return;
      }
      // Exited on its own while the cluster runs: started again, as Kubernetes would, with a growing wait.
      const r = nextRestart(restarts, Date.now() - startedAt, Math.random());
      ctx.stderr.write(`${restartLine(name, exit, r)}\n`);
      const timer = setTimeout(() => {
        if (!stopping()) start({ name, args, healthPort }, r.restarts);
      }, r.delayMs);
      ctx.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    });
    children.set(name, child);
  };
  const running = (): ChildProcess[] => [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null);
  process.once("exit", () => running().forEach((c) => c.kill("SIGKILL")));
  plan.forEach((c) => start(c));
  ctx.stderr.write(
    `cluster: ${children.size} processes against Kafka ${str(v, "kafka-brokers")} and NATS ${str(v, "nats-url")}; Ctrl-C stops them\n${clusterAddresses(plan)}\n`,
  );

  await new Promise<void>((resolve) => (stopping() ? resolve() : ctx.signal.addEventListener("abort", () => resolve(), { once: true })));
  const last = running();
  const exited = (c: ChildProcess): Promise<void> =>
    new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once("exit", () => resolve())));
  for (const c of last) c.kill("SIGTERM");
  const timer = setTimeout(() => running().forEach((c) => c.kill("SIGKILL")), 15_000);
  await Promise.all(last.map(exited));
  clearTimeout(timer);
  return last.every((c) => c.exitCode === 0 || c.signalCode === "SIGTERM") ? 0 : 1;
}
