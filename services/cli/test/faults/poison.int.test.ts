/**
 * Poison input cannot stop the pipeline: 100,000 adversarial record values
 * written straight into Kafka (the producer's checks bypassed), among them a
 * 4,194,189-byte value — whose dead letter once crashed every ingest replica
 * that inherited its partition — and one over 4 MiB. Ingest must dead-letter
 * every invalid record with its reason, forward every valid one exactly once in
 * effect, and the ranking must equal the model's and `run --once`'s on the same
 * lines, lone surrogates included.
 */
import { expect, it } from "vitest";
import { Kafka, logLevel, type Message } from "kafkajs";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { keyOf } from "@meetuphype/producer";
import {
  auditDelivery,
  fuzzValues,
  modelOverUtf8,
  oversizedValue,
  rankingDifferences,
  readTopic,
  referenceRanking,
  referenceRejection,
  runCli,
  uniqueName,
} from "@meetuphype/testkit";
import { faultHarness } from "./harness.js";

const h = faultHarness();

/** Writes values in order, keyed by rsvp_id as the producer keys them, in requests of a few MiB. */
async function writeRaw(topic: string, values: readonly Buffer[]): Promise<void> {
  const kafka = new Kafka({ brokers: [h.infra.kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Above the pipeline's own 4 MiB, so that a larger value can reach the topic at all.
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 4, configEntries: [{ name: "max.message.bytes", value: String(16 << 20) }] }],
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  let batch: Message[] = [];
  let bytes = 0;
  for (const v of values) {
    if (bytes + v.length > 3 << 20 && batch.length > 0) {
      await producer.send({ topic, messages: batch });
      batch = [];
      bytes = 0;
    }
    batch.push({ key: keyOf(v.toString("utf8")), value: v });
    bytes += v.length;
  }
  if (batch.length > 0) await producer.send({ topic, messages: batch });
  await producer.disconnect();
}

it("a 4,194,189-byte record no longer stops ingestion: 100,000 adversarial values straight into Kafka are dead-lettered or counted exactly", async () => {
  const prefix = uniqueName("fuzz"); // the pipeline's prefix and topic, created here first with a larger limit
  const values = fuzzValues({ seed: 11, count: 100_000 });
  const poison = Buffer.alloc(4_194_189, 0x7b); // "{{{{...": invalid JSON, and over 1 MiB
  values.splice(30_000, 0, poison);
  values.splice(60_000, 0, oversizedValue({ rsvp_id: 1, mtime: 1 }, 5 << 20));
  // Two topics whose keys differ only in a lone surrogate, heavy enough to lead the ranking:
  // a UTF-8 wire inside the pipeline would merge them into one "\ufffd" topic.
  const now = referenceRanking(
    values.map((v) => v.toString("utf8")),
    DEFAULT_PARAMS,
  ).asOfMs;
  for (let i = 0; i < 90; i++) {
    const urlkey = i < 50 ? "\ud800" : "\udc00";
    const rec = { rsvp_id: 9_000_000_000_000 + i, mtime: now - i, response: "yes", guests: 1000, group: { group_topics: [{ urlkey }] } };
    values.push(Buffer.from(JSON.stringify(rec)));
  }
  await writeRaw(prefix, values);
  const lines = values.map((v) => v.toString("utf8"));

  const { p: pipeline } = await h.start("fuzz", { counters: 2, prefix });
  const model = referenceRanking(lines, DEFAULT_PARAMS);
  expect(model.topics.length).toBe(DEFAULT_PARAMS.topN);
  expect(model.topics.slice(0, 2).map((t) => t.key)).toEqual(["\ud800", "\udc00"]);
  await pipeline.servedEqualsModel(modelOverUtf8(model), 240_000);

  const audit = await auditDelivery({ kafkaBrokers: h.infra.kafkaBrokers, topic: prefix, natsUrl: h.infra.natsUrl, prefix });
  expect(audit.missing.slice(0, 5)).toEqual([]);
  expect(audit.unexpected.slice(0, 5)).toEqual([]);
  expect(audit.valid).toBe(model.accepted);

  // Every invalid record is dead-lettered once, with its reason; the oversized ones cut, with their size.
  const dlq = await readTopic(h.infra.kafkaBrokers, `${prefix}.dlq`);
  const expected = new Map<string, string>();
  const records = await readTopic(h.infra.kafkaBrokers, prefix);
  for (const r of records) {
    const line = r.value?.toString("utf8") ?? "";
    const reason = line.trim() === "" ? undefined : referenceRejection(line);
    if (reason !== undefined) expected.set(`${prefix}/${r.partition}/${r.offset}`, reason);
  }
  const got = new Map(dlq.map((d) => [d.headers.source ?? "", d.headers.reason ?? ""]));
  expect(dlq.length).toBe(expected.size);
  expect([...got].filter(([src, reason]) => expected.get(src) !== reason).slice(0, 5)).toEqual([]);
  const cut = dlq.filter((d) => d.headers.truncated === "true").map((d) => Number(d.headers["original-bytes"]));
  expect(cut).toEqual(expect.arrayContaining([4_194_189, expect.any(Number)]));
  expect(Math.max(...cut)).toBeGreaterThan(5 << 20);
  expect(Math.max(...dlq.map((d) => d.value?.length ?? 0))).toBeLessThan(1 << 20);

  // The embedded mode on the same lines gives the same ranking (JSON output keeps lone surrogates).
  const once = await runCli(["run", "--input", "-", "--once", "--json", "--no-progress"], { stdin: `${lines.join("\n")}\n` });
  expect(once.code, once.stderr.slice(0, 500)).toBe(0);
  const out = JSON.parse(once.stdout) as { topics: { rank: number; key: string; name: string; score: number }[] };
  expect(rankingDifferences(out.topics, model)).toEqual([]);
});
