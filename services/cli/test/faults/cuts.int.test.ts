/**
 * Exact cuts, as a viewer sees them: every ranking WatchTrending sends while records
 * flow through separate processes (2 ingests, 2 dedups, 3 counters, 4 partitions),
 * at a steady rate, then in a burst, with a dedup replica SIGKILLed in between, is
 * the model's ranking over exactly the records of the cut it names (read back from
 * the topic), at the cut's clock. Nothing in between is allowed to be approximate.
 */
import { describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { eventually, rankingDifferences, referenceRanking, uniqueName } from "@meetuphype/testkit";
import { faultHarness, generated, sleep } from "./harness.js";

const h = faultHarness();

interface Stored {
  readonly partition: number;
  readonly offset: number;
  readonly line: string;
}

/** Every record of `topic`, read back from Kafka once it holds `count`. */
async function readTopic(brokers: string, topic: string, count: number): Promise<Stored[]> {
  const kafka = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName("cutreader") });
  const got: Stored[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      got.push({ partition, offset: Number(message.offset), line: message.value?.toString("utf8") ?? "" });
      return Promise.resolve();
    },
  });
  await eventually("the topic read back", () => Promise.resolve(got.length >= count ? true : `${got.length} of ${count}`), 60_000);
  await consumer.disconnect();
  return got;
}

/** The lines inside a snapshot's cut, each partition in offset order. */
function linesOf(s: ServedSnapshot, stored: readonly Stored[]): string[] {
  const next = new Map((s.cut ?? []).map((c) => [c.partition, c.next]));
  return stored
    .filter((r) => r.offset < (next.get(r.partition) ?? 0))
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => r.line);
}

describe("every served ranking is exact for the cut it names", () => {
  it("through a steady stream, a dedup SIGKILL and a burst, with 2 ingests, 2 dedups and 3 counters", async () => {
    const lines = generated(24_000, 47);
    const steady = lines.slice(0, 8_000);
    const burst = lines.slice(8_000);
    const { p, prefix } = await h.start("cuts", { ingests: 2, dedups: 2, counters: 3 });
    const snaps: ServedSnapshot[] = [];
    const client = trendingClient(p.grpcAddr);
    const watch = watchTrending(client, 0, (s) => void snaps.push(s));
    let settled: ServedSnapshot | undefined;
    try {
      const steadyRun = await p.produce(["--input", "-", "--rate", "2000"], `${steady.join("\n")}\n`);
      expect(steadyRun.code, steadyRun.stderr).toBe(0);
      await p.kill("dedup", 0);
      await sleep(1000);
      const burstRun = await p.produce(["--input", "-"], `${burst.join("\n")}\n`);
      expect(burstRun.code, burstRun.stderr).toBe(0);
      settled = await p.servedEqualsModel(referenceRanking(lines, DEFAULT_PARAMS), 180_000);
    } finally {
      watch.cancel();
      client.close();
    }
    const stored = await readTopic(h.infra.kafkaBrokers, prefix, lines.length);
    // The topic is keyed by rsvp_id (4 partitions): every partition got records.
    expect(new Set(stored.map((r) => r.partition)).size).toBe(4);
    const wrong: string[] = [];
    let partial = 0;
    let behind = 0;
    for (const [i, s] of snaps.entries()) {
      expect(s.inputTopic ?? prefix, `snapshot ${i}`).toBe(prefix);
      const inCut = linesOf(s, stored);
      if (inCut.length < stored.length) partial++;
      if (s.catchingUp === true) behind++;
      const model = referenceRanking(inCut, DEFAULT_PARAMS);
      const diffs = rankingDifferences([...s.topics], model);
      if (s.asOfMs !== model.asOfMs) diffs.push(`asOfMs ${s.asOfMs} vs model ${model.asOfMs}`);
      if (diffs.length > 0)
        wrong.push(`snapshot ${i} (${inCut.length} records${s.stale === true ? ", stale" : ""}): ${diffs.slice(0, 3).join("; ")}`);
    }
    console.log(`cuts: ${snaps.length} snapshots, ${partial} of them partial, ${behind} catching up, ${wrong.length} not exact`);
    expect(wrong.slice(0, 5)).toEqual([]);
    // The test means something only if it saw rankings of partial input while records flowed.
    expect(partial).toBeGreaterThan(5);
    // The cuts only grow, and the settled ranking's holds every record.
    const sizes = snaps.map((s) => linesOf(s, stored).length);
    expect(sizes.every((n, i) => i === 0 || n >= (sizes[i - 1] ?? 0))).toBe(true);
    expect(settled === undefined ? 0 : linesOf(settled, stored).length).toBe(stored.length);
  });
});
