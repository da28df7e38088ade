/**
 * Faults are part of the contract: the distributed pipeline, each service its own
 * process, on brokers of this file's own that the tests SIGKILL, SIGSTOP and
 * restart while records flow. Each test ends with the served ranking equal to the
 * trending model and with every valid record in the topic delivered to dedup
 * (none lost, no rejected one forwarded).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { healthStatus } from "@meetuphype/grpc";
import { SyntheticSource } from "@meetuphype/pipeline";
import {
  auditDelivery,
  eventually,
  referenceRanking,
  startFaultInfra,
  TestPipeline,
  uniqueName,
  type FaultInfra,
  type TestPipelineOptions,
} from "@meetuphype/testkit";

let infra: FaultInfra;
let pipeline: TestPipeline | undefined;

beforeAll(async () => {
  infra = await startFaultInfra();
}, 180_000);

afterAll(async () => {
  await infra?.stop();
});

afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

function generated(n: number, seed: number): string[] {
  const src = new SyntheticSource({ seed, rate: 20, malformedRate: 0.02, rereadRate: 0.05, updateRate: 0.05 });
  return Array.from({ length: n }, () => src.next());
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function start(label: string, o: Partial<TestPipelineOptions> = {}): Promise<{ p: TestPipeline; prefix: string }> {
  const prefix = uniqueName(label);
  pipeline = await TestPipeline.start({ kafkaBrokers: infra.kafkaBrokers, natsUrl: infra.natsUrl, prefix, ...o });
  return { p: pipeline, prefix };
}

/**
 * The pipeline settles on the model's ranking, and every valid record in the topic reached
 * dedup. Prints how long it took after the last record was produced (docs/reliability.md).
 */
async function expectExactAndComplete(p: TestPipeline, prefix: string, lines: readonly string[], fault: string): Promise<void> {
  const model = referenceRanking(lines, DEFAULT_PARAMS);
  const produced = Date.now();
  await p.servedEqualsModel(model, 180_000);
  const settled = Date.now() - produced;
  const audit = await auditDelivery({ kafkaBrokers: infra.kafkaBrokers, topic: prefix, natsUrl: infra.natsUrl, prefix });
  console.log(
    `${fault}: equal to the model ${(settled / 1000).toFixed(1)} s after the last record was produced; ` +
      `${audit.valid} valid records, ${audit.missing.length} missing, ${audit.redelivered} redelivered`,
  );
  expect(audit.missing.slice(0, 5), "valid records that never reached dedup").toEqual([]);
  expect(audit.unexpected.slice(0, 5), "forwarded records that are not valid").toEqual([]);
  // The producer may write a record twice when a send is retried (at least once): never fewer.
  expect(audit.valid).toBeGreaterThanOrEqual(model.accepted);
}

/** Resolves once the ranking is non-empty: records are flowing through every stage. */
async function flowing(p: TestPipeline): Promise<void> {
  const { getTrending, trendingClient } = await import("@meetuphype/grpc");
  const client = trendingClient(p.grpcAddr);
  try {
    await eventually(
      "records to flow",
      async () => {
        const s = await getTrending(client, 1).catch((e: unknown) => String(e));
        return typeof s !== "string" && s.topics.length > 0 ? true : "no ranking yet";
      },
      60_000,
    );
  } finally {
    client.close();
  }
}

describe("no record lost under faults", () => {
  it("survives a storm of 6 SIGKILLs of its 2 ingest replicas while 50,000 records flow", async () => {
    const lines = generated(50_000, 21);
    const { p, prefix } = await start("ingestkill", { ingests: 2 });
    const producing = p.produce(["--input", "-", "--rate", "2500"], `${lines.join("\n")}\n`);
    await flowing(p);
    for (let kill = 0; kill < 6; kill++) {
      await p.kill("ingest", 0);
      await p.add("ingest");
      await sleep(1500);
    }
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await expectExactAndComplete(p, prefix, lines, "ingest SIGKILL storm");
  });

  it("survives a 15-second NATS stall (SIGSTOP) while records flow, and says so in its health meanwhile", async () => {
    const lines = generated(20_000, 22);
    const { p, prefix } = await start("natsstall", { dedups: 2, counters: 2 });
    const producing = p.produce(["--input", "-", "--rate", "1000"], `${lines.join("\n")}\n`);
    await flowing(p);
    const stall = infra.faults.stallNats(15_000);
    await sleep(5000);
    // Not ready, with the reason; alive; the aggregator's TrendingService NOT_SERVING, its server up.
    const ready = await fetch(`http://127.0.0.1:${p.healthPort("dedup", 0)}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason?: string }).reason).toMatch(/NATS/);
    expect((await fetch(`http://127.0.0.1:${p.healthPort("ingest", 0)}/readyz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${p.healthPort("dedup", 0)}/healthz`)).status).toBe(200);
    expect(await healthStatus(p.grpcAddr, "meetuphype.v1.TrendingService")).toBe("NOT_SERVING");
    expect(await healthStatus(p.grpcAddr, "")).toBe("SERVING");
    await stall;
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await expectExactAndComplete(p, prefix, lines, "NATS stall 15 s");
  });

  it("survives a NATS restart while records flow; a counter started while NATS is down waits for it", async () => {
    const lines = generated(20_000, 23);
    const { p, prefix } = await start("natsrestart", { dedups: 2, counters: 2 });
    const producing = p.produce(["--input", "-", "--rate", "1000"], `${lines.join("\n")}\n`);
    await flowing(p);
    const restarting = infra.faults.restartNats(3000);
    await sleep(500);
    const joining = p.add("counter");
    await restarting;
    await joining;
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await expectExactAndComplete(p, prefix, lines, "NATS restart");
  });

  it("survives a Kafka restart while the producer and ingest run; an ingest started while Kafka is down waits for it", async () => {
    const lines = generated(20_000, 24);
    const { p, prefix } = await start("kafkarestart", { ingests: 2 });
    const producing = p.produce(["--input", "-", "--rate", "1000"], `${lines.join("\n")}\n`);
    await flowing(p);
    const restarting = infra.faults.restartKafka(3000);
    await sleep(1500);
    const joining = p.add("ingest");
    await restarting;
    await joining;
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await expectExactAndComplete(p, prefix, lines, "Kafka restart");
  });
});
