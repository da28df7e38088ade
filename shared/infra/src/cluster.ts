/**
 * A local setup of N nodes (`INFRA_NODES=3 npm run infra:up`, and the tests of replication):
 * N Kafka nodes in one KRaft quorum, each both controller and broker, and N nats-servers in
 * one JetStream cluster. With N = 1 it is the usual single Kafka and single NATS, in the same
 * folders as before (`kafka/`, `nats/`); with more, node i keeps its data in `kafka-i/` and
 * `nats-i/`.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { newKafkaClusterId, spawnKafka, waitForKafka } from "./kafka.js";
import { freePorts, ServerProcess } from "./local.js";
import { spawnNats, waitForNats } from "./nats.js";

/** Every port of an N-node setup; index i is node i+1's. */
export interface ClusterPorts {
  readonly kafka: readonly number[];
  readonly controller: readonly number[];
  readonly nats: readonly number[];
  readonly route: readonly number[];
}

/** The base ports of `npm run infra:up` (each can be moved with its environment variable). */
export interface BasePorts {
  readonly kafka: number;
  readonly controller: number;
  readonly nats: number;
  readonly route: number;
}

export const DEFAULT_BASE_PORTS: BasePorts = { kafka: 9092, controller: 9093, nats: 4222, route: 6222 };

/**
 * The documented ports of an N-node setup: Kafka node i listens on `kafka + 2(i-1)` with its
 * controller on `controller + 2(i-1)` (9092/9093, 9094/9095, 9096/9097); NATS server i on
 * `nats + (i-1)` with its route on `route + (i-1)` (4222, 4223, 4224 and 6222, 6223, 6224).
 */
export function documentedPorts(nodes: number, base: BasePorts = DEFAULT_BASE_PORTS): ClusterPorts {
  const each = (start: number, step: number): number[] => Array.from({ length: nodes }, (_, i) => start + step * i);
  return { kafka: each(base.kafka, 2), controller: each(base.controller, 2), nats: each(base.nats, 1), route: each(base.route, 1) };
}

/** Free ports for every server of an N-node setup (all picked together, so they all differ). */
export async function freeClusterPorts(nodes: number): Promise<ClusterPorts> {
  const p = await freePorts(4 * nodes);
  const take = (k: number): number[] => p.slice(k * nodes, (k + 1) * nodes);
  return { kafka: take(0), controller: take(1), nats: take(2), route: take(3) };
}

/** One server of the setup, as `infra:up` and its state file name it. */
export interface NodeSpec {
  readonly kind: "kafka" | "nats";
  /** 1-based. */
  readonly index: number;
  /** `kafka-1`, `nats-2`, ... */
  readonly name: string;
  /** The port clients use. */
  readonly port: number;
  /** Its data and log folder. */
  readonly dir: string;
}

/** The servers of an N-node setup under `dir`: Kafka nodes first. Pure. */
export function clusterNodes(dir: string, ports: ClusterPorts): NodeSpec[] {
  const n = ports.kafka.length;
  const folder = (kind: string, i: number): string => join(dir, n === 1 ? kind : `${kind}-${i}`);
  return (["kafka", "nats"] as const).flatMap((kind) =>
    ports[kind].map((port, k) => ({ kind, index: k + 1, name: `${kind}-${k + 1}`, port, dir: folder(kind, k + 1) })),
  );
}

/** The seed lists clients are given: every node's address, comma-separated. Pure. */
export function clientAddresses(ports: ClusterPorts): { kafkaBrokers: string; natsUrl: string } {
  return {
    kafkaBrokers: ports.kafka.map((p) => `127.0.0.1:${p}`).join(","),
    natsUrl: ports.nats.map((p) => `nats://127.0.0.1:${p}`).join(","),
  };
}

/**
 * The KRaft quorum's leader (the active controller) as the Kafka nodes of `nodes` last wrote it
 * down (`__cluster_metadata-0/quorum-state` in each data folder): the node id of the highest
 * epoch any of them knows, or undefined when none says.
 */
export function kraftLeader(nodes: readonly NodeSpec[]): number | undefined {
  let best: { id: number; epoch: number } | undefined;
  for (const n of nodes) {
    if (n.kind !== "kafka") continue;
    let state: { leaderId?: unknown; leaderEpoch?: unknown };
    try {
      state = JSON.parse(readFileSync(join(n.dir, "data", "__cluster_metadata-0", "quorum-state"), "utf8")) as typeof state;
    } catch {
      continue;
    }
    const { leaderId: id, leaderEpoch: epoch } = state;
    if (typeof id !== "number" || id < 0 || typeof epoch !== "number") continue;
    if (best === undefined || epoch > best.epoch) best = { id, epoch };
  }
  return best?.id;
}

/** Lines a shell can `eval` to point the services at a setup. Pure. */
export function envExports(a: { kafkaBrokers: string; natsUrl: string }): string {
  return `export KAFKA_BROKERS=${a.kafkaBrokers}\nexport NATS_URL=${a.natsUrl}\n`;
}

export interface LocalClusterOptions {
  readonly dir: string;
  /** Jar cache and pom (see kafka.ts). */
  readonly libDir: string;
  readonly pom: string;
  readonly ports: ClusterPorts;
  /** Servers to leave alone because they already run (infra:up again starts only the ones that are down). */
  readonly running?: (node: NodeSpec) => boolean;
  /** Keep running after this process exits (infra:up). */
  readonly detached?: boolean;
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
  /** Java heap of each Kafka node. @default "512m" */
  readonly kafkaHeap?: string;
}

export interface LocalCluster {
  readonly kafkaBrokers: string;
  readonly natsUrl: string;
  readonly nodes: readonly NodeSpec[];
  /** The servers this call started, by name: fault tests stall, kill and restart them. */
  readonly processes: ReadonlyMap<string, ServerProcess>;
  /** A started server by name; throws for one this call did not start. */
  server(name: string): ServerProcess;
  /** Stops every server this call started. */
  stop(): Promise<void>;
}

const CLUSTER_NAME = "meetuphype-local";

/** The KRaft cluster id every node formats with: kept in `dir`, so a node started again joins the same cluster. */
function clusterIdIn(dir: string): string {
  const file = join(dir, "kafka-cluster-id");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const id = newKafkaClusterId();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * Starts the servers of an N-node setup that are not running yet, and resolves when every server
 * answers (a Kafka node once the quorum has a leader, a NATS server once JetStream answers).
 */
export async function startLocalCluster(o: LocalClusterOptions): Promise<LocalCluster> {
  const nodes = clusterNodes(o.dir, o.ports);
  const n = o.ports.kafka.length;
  const timeout = o.timeoutMs ?? 180_000;
  const clusterId = clusterIdIn(o.dir);
  const voters = o.ports.controller.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(",");
  const processes = new Map<string, ServerProcess>();
  const spawnNode = (node: NodeSpec): ServerProcess => {
    const i = node.index - 1;
    if (node.kind === "kafka") {
      return new ServerProcess(
        () =>
          spawnKafka(
            {
              dir: node.dir,
              port: node.port,
              controllerPort: o.ports.controller[i] ?? 0,
              libDir: o.libDir,
              pom: o.pom,
              ...(o.kafkaHeap !== undefined ? { heap: o.kafkaHeap } : {}),
              ...(o.log !== undefined ? { log: o.log } : {}),
              node: { id: node.index, voters, clusterId, replicas: Math.min(3, n) },
            },
            o.detached ?? false,
          ),
        (isAlive) => waitForKafka(node.port, timeout, isAlive),
      );
    }
    const cluster =
      n === 1
        ? {}
        : { cluster: { clusterName: CLUSTER_NAME, serverName: node.name, routePort: o.ports.route[i] ?? 0, routePorts: o.ports.route } };
    return new ServerProcess(
      () => spawnNats({ dir: node.dir, port: node.port, ...cluster }, o.detached ?? false, o.log),
      (isAlive) => waitForNats(node.port, timeout, isAlive),
    );
  };
  for (const node of nodes) if (!(o.running?.(node) ?? false)) processes.set(node.name, spawnNode(node));
  const stop = async (): Promise<void> => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
  };
  try {
    // All at once: a Kafka node is ready only when a majority of the quorum is up.
    await Promise.all(
      nodes.map((node) => {
        const started = processes.get(node.name);
        if (started !== undefined) return started.ready();
        return node.kind === "kafka" ? waitForKafka(node.port, timeout) : waitForNats(node.port, timeout);
      }),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  if (o.detached === true) for (const p of processes.values()) p.child.unref();
  return {
    ...clientAddresses(o.ports),
    nodes,
    processes,
    server: (name) => {
      const p = processes.get(name);
      if (p === undefined) throw new Error(`no server named ${name} was started here (${[...processes.keys()].join(", ")})`);
      return p;
    },
    stop,
  };
}
