/**
 * A local Apache Kafka 3.9 broker in KRaft combined mode (broker + controller,
 * one node), from Maven Central jars fetched by `mvn` through infra/kafka/pom.xml
 * and cached. Started with `java -cp 'lib/*' kafka.Kafka server.properties`
 * after `kafka.tools.StorageTool format`.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { NotReadyError, tcpOpen, waitUntil } from "./wait.js";

export interface KafkaOptions {
  /** Folder for the broker's data, config and log. */
  readonly dir: string;
  readonly port: number;
  readonly controllerPort: number;
  /** Where the jars are cached. */
  readonly libDir: string;
  /** infra/kafka/pom.xml. */
  readonly pom: string;
  /** Java heap. @default "512m" */
  readonly heap?: string;
  readonly log?: (line: string) => void;
  /** A second listener, SASL_SSL, for tests of the clients' security. */
  readonly secure?: SecureKafkaListener;
  /** One node of a cluster (cluster.ts): its id, the controller quorum and the cluster id all nodes format with. */
  readonly node?: KafkaClusterNode;
}

export interface KafkaClusterNode {
  readonly id: number;
  /** `controller.quorum.voters`: `1@127.0.0.1:9093,2@127.0.0.1:9095,...`. */
  readonly voters: string;
  readonly clusterId: string;
  /** Copies of the internal topics (consumer offsets, transactions) and the default for new topics. */
  readonly replicas: number;
}

/** A SASL_SSL listener: TLS with this certificate, logins by SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN. */
export interface SecureKafkaListener {
  readonly port: number;
  /** PEM certificate chain and its unencrypted PKCS#8 private key. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly users: readonly { readonly name: string; readonly password: string }[];
}

/** The largest record the broker and the topics the project creates accept (the model's limit is 1 MiB). */
export const KAFKA_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Copies the broker's jars into `libDir` with Maven, unless they are there already. */
export function ensureKafkaJars(libDir: string, pom: string, log: (l: string) => void = () => undefined): void {
  if (existsSync(libDir) && readdirSync(libDir).some((f) => f.startsWith("kafka_2.13-"))) return;
  log(`fetching the Kafka jars with Maven into ${libDir} (once; cached afterwards) ...`);
  mkdirSync(libDir, { recursive: true });
  try {
    execFileSync("mvn", ["-q", "-B", "-f", pom, "dependency:copy-dependencies", `-DoutputDirectory=${libDir}`, "-DincludeScope=runtime"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  } catch (err) {
    throw new NotReadyError(
      "could not fetch the Kafka jars: is Maven (mvn) installed and Maven Central reachable? Java 17 is needed to run them.",
      err,
    );
  }
}

/** The SASL_SSL listener's settings (its keystore file is written by spawnKafka). */
function secureProperties(l: SecureKafkaListener, keystore: string): string[] {
  const plainUsers = l.users.map((u) => `user_${u.name}=${JSON.stringify(u.password)}`).join(" ");
  return [
    "sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN",
    "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    "listener.name.sasl_ssl.ssl.keystore.type=PEM",
    `listener.name.sasl_ssl.ssl.keystore.location=${keystore}`,
  ];
}

/** StorageTool's arguments that create the SCRAM users at format time (KRaft keeps them in its metadata). */
const scramArgs = (l: SecureKafkaListener | undefined): string[] =>
  (l?.users ?? []).flatMap((u) =>
    ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => ["--add-scram", `${m}=[name=${u.name},password=${u.password}]`]),
  );

function serverProperties(o: KafkaOptions, dataDir: string): string {
  const s = o.secure;
  const secureListener = s !== undefined ? `,SASL_SSL://127.0.0.1:${s.port}` : "";
  const id = o.node?.id ?? 1;
  const replicas = o.node?.replicas ?? 1;
  return [
    "process.roles=broker,controller",
    `node.id=${id}`,
    `controller.quorum.voters=${o.node?.voters ?? `${id}@127.0.0.1:${o.controllerPort}`}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}${secureListener}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}${secureListener}`,
    "controller.listener.names=CONTROLLER",
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${s !== undefined ? ",SASL_SSL:SASL_SSL" : ""}`,
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=4",
    `offsets.topic.replication.factor=${replicas}`,
    "offsets.topic.num.partitions=8",
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${Math.min(2, replicas)}`,
    `default.replication.factor=${replicas}`,
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=true",
    `message.max.bytes=${KAFKA_MAX_MESSAGE_BYTES}`,
    `replica.fetch.max.bytes=${KAFKA_MAX_MESSAGE_BYTES}`,
    "log.retention.hours=24",
    ...(s !== undefined ? secureProperties(s, join(o.dir, "keystore.pem")) : []),
    "",
  ].join("\n");
}

const LOG4J = [
  "log4j.rootLogger=WARN, file",
  "log4j.appender.file=org.apache.log4j.FileAppender",
  "log4j.appender.file.File=${kafka.logs.dir}/server.log",
  "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
  "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
  "",
].join("\n");

/** A new KRaft cluster id (22 characters of base64url, never starting with "-"). */
export const newKafkaClusterId = (): string => randomBytes(16).toString("base64url").replace(/^-/, "A");

/** Writes the config, formats the storage (first time) and starts the broker. Does not wait. */
export function spawnKafka(o: KafkaOptions, detached: boolean): ChildProcess {
  ensureKafkaJars(o.libDir, o.pom, o.log);
  const dataDir = join(o.dir, "data");
  mkdirSync(dataDir, { recursive: true });
  const props = join(o.dir, "server.properties");
  if (o.secure !== undefined)
    writeFileSync(join(o.dir, "keystore.pem"), `${readFileSync(o.secure.keyFile, "utf8")}\n${readFileSync(o.secure.certFile, "utf8")}`, {
      mode: 0o600,
    });
  writeFileSync(props, serverProperties(o, dataDir));
  writeFileSync(join(o.dir, "log4j.properties"), LOG4J);
  const cp = `${o.libDir}/*`;
  const jvm = [
    `-Xmx${o.heap ?? "512m"}`,
    `-Xms${o.heap ?? "512m"}`,
    `-Dkafka.logs.dir=${o.dir}`,
    `-Dlog4j.configuration=file:${join(o.dir, "log4j.properties")}`,
  ];
  if (!existsSync(join(dataDir, "meta.properties"))) {
    // A leading "-" would be read as an option (1 id in 64 had one: a flaky start); "=" keeps it an argument anyway.
    const clusterId = o.node?.clusterId ?? newKafkaClusterId();
    execFileSync(
      "java",
      [...jvm, "-cp", cp, "kafka.tools.StorageTool", "format", `--cluster-id=${clusterId}`, "-c", props, ...scramArgs(o.secure)],
      {
        stdio: "ignore",
      },
    );
  }
  const out = openSync(join(o.dir, "stdout.log"), "a");
  return spawn("java", [...jvm, "-cp", cp, "kafka.Kafka", props], { stdio: ["ignore", out, out], detached });
}

/** Resolves when the broker answers metadata requests on 127.0.0.1:port. */
export async function waitForKafka(port: number, timeoutMs: number, isAlive?: () => boolean): Promise<void> {
  const brokers = [`127.0.0.1:${port}`];
  await waitUntil(`Kafka on 127.0.0.1:${port}`, () => tcpOpen("127.0.0.1", port), timeoutMs, isAlive);
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await waitUntil(
      `Kafka metadata on 127.0.0.1:${port}`,
      async () => {
        await admin.connect();
        const c = await admin.describeCluster();
        return c.brokers.length > 0 && c.controller !== null;
      },
      timeoutMs,
      isAlive,
    );
  } finally {
    await admin.disconnect();
  }
}
