/** The producer against a real broker: size limit, keys, and a live HTTP stream that drops and comes back. */
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { eventually, runCli, startCli, exited, uniqueName } from "@meetuphype/testkit";

const kafkaBrokers = inject("kafkaBrokers");

async function readTopic(topic: string, atLeast: number): Promise<{ key: string | null; value: string }[]> {
  const kafka = new Kafka({ brokers: [kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await eventually("the topic to exist", async () => ((await admin.listTopics()).includes(topic) ? true : "not yet"), 60_000);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName("reader"), maxBytesPerPartition: 8 << 20 });
  const got: { key: string | null; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      got.push({ key: message.key?.toString() ?? null, value: message.value?.toString("utf8") ?? "" });
      return Promise.resolve();
    },
  });
  await eventually("the records", () => Promise.resolve(got.length >= atLeast ? true : `${got.length} of ${atLeast}`), 60_000);
  await consumer.disconnect();
  return got;
}

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

describe("meetuphype produce", () => {
  it("never sends a line over 1 MiB, and sends every other line keyed by rsvp_id", async () => {
    const topic = uniqueName("sizes");
    const dir = mkdtempSync(join(tmpdir(), "mh-produce-"));
    const file = join(dir, "in.jsonl");
    const base = { rsvp_id: 5, mtime: 1, response: "yes" };
    const small = JSON.stringify({ ...base, pad: "" });
    const justUnder = JSON.stringify({ ...base, pad: "y".repeat(1024 * 1024 - small.length) });
    const over = JSON.stringify({ ...base, rsvp_id: 6, pad: "z".repeat(1536 * 1024) });
    writeFileSync(file, [small, over, justUnder, "not json"].join("\n") + "\n");
    const res = await runCli(["produce", "--input", file, "--health-port", "0", "--no-progress"], {
      env: { KAFKA_BROKERS: kafkaBrokers, KAFKA_TOPIC: topic },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain("sent=3 tooLarge=1");
    const got = await readTopic(topic, 3);
    expect(got.map((g) => g.value.length).sort((a, b) => a - b)).toEqual([8, small.length, justUnder.length].sort((a, b) => a - b));
    expect(got.filter((g) => g.key === "5")).toHaveLength(2);
    expect(got.find((g) => g.value === "not json")?.key).toBeNull();
  });

  it("follows a live HTTP stream and reconnects when it drops", async () => {
    const topic = uniqueName("http");
    let connections = 0;
    server = createServer((_req, res) => {
      connections++;
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      const n = connections;
      // Each connection sends two records, then ends: the producer must come back.
      res.write(`${JSON.stringify({ rsvp_id: n * 10 + 1, mtime: n, response: "yes" })}\n`);
      res.end(`${JSON.stringify({ rsvp_id: n * 10 + 2, mtime: n, response: "yes" })}\n`);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", () => resolve()));
    const addr = server.address();
    const port = typeof addr === "object" && addr !== null ? addr.port : 0;
    const child = startCli(["produce", "--url", `http://127.0.0.1:${port}/rsvps`, "--health-port", "0"], {
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_TOPIC: topic,
    });
    try {
      const got = await readTopic(topic, 6);
      expect(connections).toBeGreaterThanOrEqual(3);
      expect(new Set(got.map((g) => g.key)).size).toBeGreaterThanOrEqual(6);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited(child)).toBe(0);
  });
});
