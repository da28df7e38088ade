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
import { freePort, startLocalInfra } from "@meetuphype/infra";
import { repoRoot } from "./data.js";

export interface TestInfra {
  readonly kafkaBrokers: string;
  readonly natsUrl: string;
  readonly how: "env" | "testcontainers" | "local";
  stop(): Promise<void>;
}

/** A name no other test uses: for topics, groups, streams, buckets and subject prefixes. */
export function uniqueName(label: string): string {
  return `t${label.replace(/[^a-zA-Z0-9]/g, "")}${randomBytes(4).toString("hex")}`;
}

function dockerReachable(): boolean {
  // Test-only: the harness reads the environment to decide where brokers come from.
  if (process.env.TESTCONTAINERS_DISABLED === "1") return false;
  return process.env.DOCKER_HOST !== undefined || existsSync("/var/run/docker.sock");
}

async function withContainers(): Promise<TestInfra> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const kafkaPort = await freePort();
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
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  return {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    natsUrl: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
    how: "testcontainers",
    stop: async () => {
      await Promise.all([kafka.stop(), nats.stop()]);
    },
  };
}

export async function startTestInfra(log: (l: string) => void = () => undefined): Promise<TestInfra> {
  const { KAFKA_BROKERS, NATS_URL } = process.env;
  if (KAFKA_BROKERS && NATS_URL) return { kafkaBrokers: KAFKA_BROKERS, natsUrl: NATS_URL, how: "env", stop: () => Promise.resolve() };
  if (dockerReachable()) {
    try {
      return await withContainers();
    } catch (err) {
      log(`testcontainers failed (${err instanceof Error ? err.message : String(err)}); starting local processes instead`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "meetuphype-infra-"));
  const local = await startLocalInfra({
    dir,
    libDir: join(repoRoot, ".infra", "kafka-lib"),
    pom: join(repoRoot, "infra", "kafka", "pom.xml"),
    log,
  });
  return {
    kafkaBrokers: local.kafkaBrokers,
    natsUrl: local.natsUrl,
    how: "local",
    stop: async () => {
      await local.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
