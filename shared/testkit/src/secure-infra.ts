/**
 * Brokers that demand TLS and a login, for tests of the clients' security: a
 * nats-server with TLS required and user authorization, and a Kafka broker with a
 * SASL_SSL listener (SCRAM-SHA-256/512 and PLAIN). The certificates come from
 * `makeTestCerts`. Containers when a Docker engine is reachable, local processes
 * otherwise (the same choice as `startTestInfra`).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credsAuthenticator } from "nats";
import { freePort, ServerProcess, spawnNats, startLocalInfra, waitForNats } from "@meetuphype/infra";
import type { TestCerts } from "./certs.js";
import { dockerReachable, KAFKA_JARS } from "./infra.js";
import { makeNatsOperator } from "./nats-jwt.js";

export interface SecureInfra {
  /** The SASL_SSL listener. */
  readonly kafkaBrokers: string;
  /** NATS, TLS required (connect with the test CA). */
  readonly natsUrl: string;
  /** The login both brokers accept. */
  readonly user: { readonly name: string; readonly password: string };
  readonly how: "testcontainers" | "local";
  stop(): Promise<void>;
}

const USER = { name: "pipeline", password: "pipeline-secret-7f3" };

async function local(certs: TestCerts, log: (l: string) => void): Promise<SecureInfra> {
  const dir = mkdtempSync(join(tmpdir(), "meetuphype-secure-"));
  const infra = await startLocalInfra({
    dir,
    ...KAFKA_JARS,
    log,
    natsSecure: {
      certFile: certs.serverCert,
      keyFile: certs.serverKey,
      caFile: certs.ca,
      users: [{ user: USER.name, password: USER.password }],
    },
    kafkaSecure: { certFile: certs.serverCert, keyFile: certs.serverKey, users: [USER] },
  });
  return {
    kafkaBrokers: infra.kafkaSecureBrokers ?? "",
    natsUrl: infra.natsUrl,
    user: USER,
    how: "local",
    stop: async () => {
      await infra.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The same brokers as containers (apache/kafka reads its settings from KAFKA_* variables). */
async function containers(certs: TestCerts): Promise<SecureInfra> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const [kafkaPort, natsPort] = [await freePort(), await freePort()];
  const keystore = `${readFileSync(certs.serverKey, "utf8")}\n${readFileSync(certs.serverCert, "utf8")}`;
  const kafka = await new GenericContainer("apache/kafka:3.9.1")
    .withCopyContentToContainer([{ content: keystore, target: "/etc/kafka/secrets/keystore.pem", mode: 0o644 }])
    .withExposedPorts({ container: 9094, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093,SASL_SSL://:9094",
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:9092,SASL_SSL://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      KAFKA_SASL_ENABLED_MECHANISMS: "SCRAM-SHA-256,SCRAM-SHA-512,PLAIN",
      KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG: "org.apache.kafka.common.security.scram.ScramLoginModule required;",
      KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___512_SASL_JAAS_CONFIG: "org.apache.kafka.common.security.scram.ScramLoginModule required;",
      KAFKA_LISTENER_NAME_SASL__SSL_PLAIN_SASL_JAAS_CONFIG: `org.apache.kafka.common.security.plain.PlainLoginModule required user_${USER.name}="${USER.password}";`,
      KAFKA_LISTENER_NAME_SASL__SSL_SSL_KEYSTORE_TYPE: "PEM",
      KAFKA_LISTENER_NAME_SASL__SSL_SSL_KEYSTORE_LOCATION: "/etc/kafka/secrets/keystore.pem",
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  // SCRAM users live in the cluster's metadata: added through the plaintext listener inside the container.
  const scram = `SCRAM-SHA-256=[password=${USER.password}],SCRAM-SHA-512=[password=${USER.password}]`;
  const added = await kafka.exec([
    "/opt/kafka/bin/kafka-configs.sh",
    "--bootstrap-server",
    "localhost:9092",
    "--alter",
    "--add-config",
    scram,
    "--entity-type",
    "users",
    "--entity-name",
    USER.name,
  ]);
  if (added.exitCode !== 0) throw new Error(`kafka-configs could not add the SCRAM user: ${added.output}`);
  const conf = [
    "listen: 0.0.0.0:4222",
    "max_payload: 8MB",
    "jetstream {\n  store_dir: /data\n}",
    'tls {\n  cert_file: "/etc/nats/server.pem"\n  key_file: "/etc/nats/server.key"\n}',
    `authorization {\n  users: [ { user: "${USER.name}", password: "${USER.password}" } ]\n}`,
    "",
  ].join("\n");
  const nats = await new GenericContainer("nats:2.9")
    .withCopyContentToContainer([
      { content: conf, target: "/etc/nats/secure.conf" },
      { content: readFileSync(certs.serverCert, "utf8"), target: "/etc/nats/server.pem" },
      { content: readFileSync(certs.serverKey, "utf8"), target: "/etc/nats/server.key", mode: 0o644 },
    ])
    .withCommand(["-c", "/etc/nats/secure.conf"])
    .withExposedPorts({ container: 4222, host: natsPort })
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  return {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    user: USER,
    how: "testcontainers",
    stop: async () => {
      await Promise.all([kafka.stop(), nats.stop()]);
    },
  };
}

export async function startSecureInfra(certs: TestCerts, log: (l: string) => void = () => undefined): Promise<SecureInfra> {
  if (dockerReachable()) {
    try {
      return await containers(certs);
    } catch (err) {
      log(`testcontainers failed (${err instanceof Error ? err.message : String(err)}); starting local processes instead`);
    }
  }
  return local(certs, log);
}

export interface CredsNats {
  readonly natsUrl: string;
  /** A user the server trusts, and one signed by an account it does not know. */
  readonly credsFile: string;
  readonly strangerCredsFile: string;
  stop(): Promise<void>;
}

/** A nats-server in operator mode (decentralized JWT auth): clients log in with a `.creds` file. */
export async function startCredsNats(log: (l: string) => void = () => undefined): Promise<CredsNats> {
  const dir = mkdtempSync(join(tmpdir(), "meetuphype-creds-"));
  const op = makeNatsOperator(dir);
  const login = { authenticator: credsAuthenticator(readFileSync(op.credsFile)) };
  if (dockerReachable()) {
    try {
      const { GenericContainer, Wait } = await import("testcontainers");
      const port = await freePort();
      const nats = await new GenericContainer("nats:2.9")
        .withCopyContentToContainer([
          { content: `listen: 0.0.0.0:4222\njetstream {\n  store_dir: /data\n}\n${op.conf}`, target: "/etc/nats/op.conf" },
        ])
        .withCommand(["-c", "/etc/nats/op.conf"])
        .withExposedPorts({ container: 4222, host: port })
        .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
        .start();
      return { natsUrl: `nats://127.0.0.1:${port}`, ...op, stop: async () => void (await nats.stop()) };
    } catch (err) {
      log(`testcontainers failed (${err instanceof Error ? err.message : String(err)}); starting a local process instead`);
    }
  }
  const port = await freePort();
  const server = new ServerProcess(
    () => spawnNats({ dir, port, conf: op.conf }, false, log),
    (isAlive) => waitForNats(port, 60_000, isAlive, login),
  );
  await server.ready();
  return {
    natsUrl: `nats://127.0.0.1:${port}`,
    ...op,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
