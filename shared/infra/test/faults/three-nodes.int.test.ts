/**
 * The 3-node local setup keeps replicated data through the loss of a node: the NATS server that
 * leads an R3 stream and the Kafka broker that leads a partition (replication factor 3,
 * min.insync.replicas 2) are SIGKILLed while writes go on, and started again. Every write
 * acknowledged is there afterwards, and the restarted nodes catch up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kafka, logLevel } from "kafkajs";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeClusterPorts, startLocalCluster, type LocalCluster } from "../../src/index.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retries `f` until it succeeds (a write during a leader change fails for a moment). */
async function until<T>(what: string, f: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await f();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: still failing after ${timeoutMs} ms: ${String(err)}`);
      await sleep(250);
    }
  }
}

describe("the 3-node local setup", () => {
  let dir: string;
  let cluster: LocalCluster;
  let nc: NatsConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mh-three-"));
    cluster = await startLocalCluster({
      dir,
      libDir: join(root, ".infra", "kafka-lib"),
      pom: join(root, "infra", "kafka", "pom.xml"),
      ports: await freeClusterPorts(3),
      kafkaHeap: "384m",
    });
    nc = await connect({ servers: cluster.natsUrl.split(","), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  }, 240_000);

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged message of an R3 stream when its leader is killed", async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: "three", subjects: ["three.>"], num_replicas: 3 });
    const js = nc.jetstream({ timeout: 2000 });
    const publish = (i: number) =>
      until(`publish ${i}`, () => js.publish("three.x", new TextEncoder().encode(String(i)), { msgID: `m${i}` }));
    for (let i = 0; i < 100; i++) await publish(i);
    const leader = (await jsm.streams.info("three")).cluster?.leader;
    expect(leader).toMatch(/^nats-[123]$/);
    const restart = cluster.server(leader as string).restart({ crash: true, downMs: 5000 });
    for (let i = 100; i < 300; i++) await publish(i);
    await restart;
    const info = await until("stream info", () => jsm.streams.info("three"));
    expect(info.state.messages).toBe(300);
    // The killed server is back among the stream's replicas and catches up.
    await until("the restarted server current again", async () => {
      const c = (await jsm.streams.info("three")).cluster;
      const all = [c?.leader, ...(c?.replicas ?? []).filter((r) => r.current).map((r) => r.name)];
      if (!all.includes(leader)) throw new Error(`${leader} not current yet: ${JSON.stringify(c)}`);
    });
  });

  it("keeps every acknowledged record of a replicated topic when the partition's leader is killed", async () => {
    const kafka = new Kafka({ brokers: cluster.kafkaBrokers.split(","), logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const admin = kafka.admin();
    await admin.connect();
    const topic = "three";
    // Retried: right after the creation one broker may not know the partition yet (its metadata lags).
    await until("creating the topic", () =>
      admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: "min.insync.replicas", value: "2" }] }],
        waitForLeaders: true,
      }),
    );
    const producer = kafka.producer();
    await producer.connect();
    const send = (i: number) => until(`send ${i}`, () => producer.send({ topic, acks: -1, messages: [{ value: String(i) }] }));
    for (let i = 0; i < 100; i++) await send(i);
    const leader = await until("the partition's leader", async () => {
      const id = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions[0]?.leader;
      if (id === undefined || id < 1) throw new Error(`no leader yet (${String(id)})`);
      return id;
    });
    expect([1, 2, 3]).toContain(leader);
    const restart = cluster.server(`kafka-${leader}`).restart({ crash: true, downMs: 5000 });
    for (let i = 100; i < 300; i++) await send(i);
    await restart;
    // The restarted broker rejoins the in-sync replicas.
    await until("the ISR back to 3", async () => {
      const isr = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions[0]?.isr ?? [];
      if (isr.length !== 3) throw new Error(`ISR ${JSON.stringify(isr)}`);
    });
    // A retried send may have landed twice (no idempotent producer here): every value, at least once.
    const consumer = kafka.consumer({ groupId: "three-check" });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Set<string>();
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.add(String(message.value));
        return Promise.resolve();
      },
    });
    await until("reading every record back", () =>
      seen.size >= 300 ? Promise.resolve() : Promise.reject(new Error(`${seen.size} of 300`)),
    );
    expect([...seen].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  });
});
