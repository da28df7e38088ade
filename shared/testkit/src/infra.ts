/**
 * The test harness's brokers: one Kafka and one NATS server per test run.
 * 1. KAFKA_BROKERS and NATS_URL, when both are set: use those servers.
 * 2. A reachable Docker engine: testcontainers (apache/kafka 3.9, nats 2.9 with -js).
 * 3. Otherwise: local processes (the same module as `npm run infra:up`) on free ports.
 * Tests isolate themselves on these shared servers with their own topics,
 * consumer groups, streams and buckets (see `uniqueName`).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts, startLocalInfra } from "@meetuphype/infra";
import { repoRoot } from "./data.js";

export interface TestInfra {
  readonly kafkaBrokers: string;
  readonly natsUrl: string;
  readonly how: "env" | "testcontainers" | "local";
  stop(): Promise<void>;
}

/** Where the local Kafka's jars are cached and the pom that fetches them (as for `npm run infra:up`). */
export const KAFKA_JARS = { libDir: join(repoRoot, ".infra", "kafka-lib"), pom: join(repoRoot, "infra", "kafka", "pom.xml") } as const;

/** A name no other test uses: for topics, groups, streams, buckets and subject prefixes. */
export function uniqueName(label: string): string {
  return `t${label.replace(/[^a-zA-Z0-9]/g, "")}${randomBytes(4).toString("hex")}`;
}

export function dockerReachable(): boolean {
  // Test-only: the harness reads the environment to decide where brokers come from.
  if (process.env.TESTCONTAINERS_DISABLED === "1") return false;
  return process.env.DOCKER_HOST !== undefined || existsSync("/var/run/docker.sock");
}

/** What the fault tests do to the brokers: the same calls for local processes and containers. */
export interface BrokerFaults {
  /** Freezes NATS (SIGSTOP, or a container pause) for `ms`, then lets it go on. */
  stallNats(ms: number): Promise<void>;
  /** Stops NATS, waits `downMs`, starts it again on the same port with the same data, and waits until it answers. */
  restartNats(downMs?: number): Promise<void>;
  restartKafka(downMs?: number): Promise<void>;
}

export interface FaultInfra extends TestInfra {
  readonly faults: BrokerFaults;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Containers {
  readonly infra: TestInfra;
  readonly faults: BrokerFaults;
}

async function withContainers(): Promise<Containers> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import("testcontainers");
  const [kafkaPort = 0, natsPort = 0] = await freePorts(2);
  const kafka = await new GenericContainer("apache/kafka:3.9.1")
    .withExposedPorts({ container: 9092, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      KAFKA_MESSAGE_MAX_BYTES: String(4 * 1024 * 1024),
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const nats = await new GenericContainer("nats:2.9")
    // nats-server takes max_payload only from a config file.
    .withCopyContentToContainer([
      { content: "listen: 0.0.0.0:4222\nmax_payload: 8MB\njetstream {\n  store_dir: /data\n}\n", target: "/etc/nats/test.conf" },
    ])
    .withCommand(["-c", "/etc/nats/test.conf"])
    // A fixed host port, so that a restarted container answers where the clients reconnect.
    .withExposedPorts({ container: 4222, host: natsPort })
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const infra: TestInfra = {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    how: "testcontainers",
    stop: async () => {
      await Promise.all([kafka.stop(), nats.stop()]);
    },
  };
  const faults: BrokerFaults = {
    stallNats: async (ms) => {
      const c = docker.getContainer(nats.getId());
      await c.pause();
      await sleep(ms);
      await c.unpause();
    },
    restartNats: async (downMs = 0) => {
      await docker.getContainer(nats.getId()).stop();
      await sleep(downMs);
      await docker.getContainer(nats.getId()).start();
    },
    restartKafka: async (downMs = 0) => {
      await docker.getContainer(kafka.getId()).stop();
      await sleep(downMs);
      await docker.getContainer(kafka.getId()).start();
    },
  };
  return { infra, faults };
}

export async function startTestInfra(log: (l: string) => void = () => undefined): Promise<TestInfra> {
  const { KAFKA_BROKERS, NATS_URL } = process.env;
  if (KAFKA_BROKERS && NATS_URL) return { kafkaBrokers: KAFKA_BROKERS, natsUrl: NATS_URL, how: "env", stop: () => Promise.resolve() };
  return (await ownBrokers(log)).infra;
}

/**
 * Brokers of its own for a test that stalls, kills and restarts them (never the
 * shared ones of the run, which other tests use at the same time).
 */
export async function startFaultInfra(log: (l: string) => void = () => undefined): Promise<FaultInfra> {
  const own = await ownBrokers(log);
  return { ...own.infra, faults: own.faults };
}

async function ownBrokers(log: (l: string) => void): Promise<Containers> {
  if (dockerReachable()) {
    try {
      return await withContainers();
    } catch (err) {
      log(`testcontainers failed (${err instanceof Error ? err.message : String(err)}); starting local processes instead`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "meetuphype-infra-"));
  const local = await startLocalInfra({ dir, ...KAFKA_JARS, log });
  const infra: TestInfra = {
    kafkaBrokers: local.kafkaBrokers,
    natsUrl: local.natsUrl,
    how: "local",
    stop: async () => {
      await local.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const faults: BrokerFaults = {
    stallNats: async (ms) => {
      local.nats.stall();
      await sleep(ms);
      local.nats.resume();
    },
    restartNats: (downMs) => local.nats.restart({ downMs: downMs ?? 0 }),
    restartKafka: (downMs) => local.kafka.restart({ downMs: downMs ?? 0 }),
  };
  return { infra, faults };
}
