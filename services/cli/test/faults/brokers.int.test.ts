/**
 * Faults are part of the contract: the distributed pipeline, each service its own
 * process, on brokers of this file's own that the tests SIGKILL, SIGSTOP and
 * restart while records flow. Each test ends with the served ranking equal to the
 * trending model and with every valid record in the topic delivered to dedup
 * (none lost, no rejected one forwarded), and prints how long the pipeline took
 * to recover (docs/reliability.md).
 */
import { describe, expect, it } from "vitest";
import { healthStatus } from "@meetuphype/grpc";
import { faultHarness, generated, recovery, sleep } from "./harness.js";

const h = faultHarness();

describe("no record lost under faults", () => {
  it("survives a storm of 6 SIGKILLs of its 2 ingest replicas while 50,000 records flow", async () => {
    const lines = generated(50_000, 21);
    const { p, prefix } = await h.start("ingestkill", { ingests: 2 });
    const producing = p.produce(["--input", "-", "--rate", "1000"], `${lines.join("\n")}\n`);
    await p.waitForRanking();
    // A kill every 4 s of the oldest replica (a replacement too, maybe before it was ready), a new one
    // started at once: records are in flight at every kill.
    for (let kill = 0; kill < 6; kill++) {
      await p.kill("ingest", 0);
      await p.spawn("ingest");
      await sleep(4000);
    }
    const stormEnd = Date.now();
    await p.allReady("ingest");
    console.log(`ingest SIGKILL storm: both replicas ready ${((Date.now() - stormEnd) / 1000).toFixed(1)} s after the last kill`);
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await h.expectExactAndComplete(p, prefix, lines, "ingest SIGKILL storm");
  });

  it("survives a 15-second NATS stall (SIGSTOP) while records flow, and says so in its health meanwhile", async () => {
    const lines = generated(20_000, 22);
    const { p, prefix } = await h.start("natsstall", { dedups: 2, counters: 2 });
    const producing = p.produce(["--input", "-", "--rate", "1000"], `${lines.join("\n")}\n`);
    await p.waitForRanking();
    const stall = h.infra.faults.stallNats(15_000);
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
    console.log(`NATS stall 15 s: serving a current ranking ${((await recovery(p)) / 1000).toFixed(1)} s after SIGCONT`);
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await h.expectExactAndComplete(p, prefix, lines, "NATS stall 15 s");
  });

  it("survives a NATS restart while records flow; a counter started while NATS is down waits for it", async () => {
    const lines = generated(20_000, 23);
    const { p, prefix } = await h.start("natsrestart", { dedups: 2, counters: 2 });
    const producing = p.produce(["--input", "-", "--rate", "1000"], `${lines.join("\n")}\n`);
    await p.waitForRanking();
    const restarting = h.infra.faults.restartNats(3000);
    await sleep(500);
    const joining = p.add("counter");
    await restarting;
    console.log(`NATS restart (3 s down): serving a current ranking ${((await recovery(p)) / 1000).toFixed(1)} s after NATS answered`);
    await joining;
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await h.expectExactAndComplete(p, prefix, lines, "NATS restart");
  });

  it("survives a Kafka restart while the producer and ingest run; an ingest started while Kafka is down waits for it", async () => {
    const lines = generated(20_000, 24);
    const { p, prefix } = await h.start("kafkarestart", { ingests: 2 });
    const producing = p.produce(["--input", "-", "--rate", "1000"], `${lines.join("\n")}\n`);
    await p.waitForRanking();
    const restarting = h.infra.faults.restartKafka(3000);
    await sleep(1500);
    const joining = p.add("ingest");
    await restarting;
    const back = Date.now();
    await joining;
    console.log(
      `Kafka restart (3 s down): the ingest started meanwhile was ready ${((Date.now() - back) / 1000).toFixed(1)} s after Kafka answered`,
    );
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await h.expectExactAndComplete(p, prefix, lines, "Kafka restart");
  });
});
