/**
 * The chaos test: the whole distributed pipeline (2 ingests, dedups, counters,
 * the aggregator; each a process) on brokers of its own, fed generated records
 * with duplicates, updates and malformed lines at a steady rate, while a seeded
 * schedule SIGKILLs (and restarts) replicas of every kind, the aggregator
 * included, scales counters 1→4→2 and dedups 1→3→1 (start and SIGTERM), and
 * restarts NATS and Kafka. Afterwards: the ranking equals the model, every valid
 * record reached dedup, no two replicas ever acted for one shard at once (from
 * their own debug logs), and no served snapshot was empty once one was not.
 *
 * `npm run chaos` runs the long soak: CHAOS_RECORDS (default 60,000 here),
 * CHAOS_RATE (records/s), CHAOS_ROUNDS (times the schedule repeats), CHAOS_SEED.
 * It prints each fault's time to settle and the peak RSS per kind.
 */
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import {
  auditDelivery,
  overlappingTenures,
  referenceRanking,
  rssOf,
  tenures,
  type TestPipeline,
  type ServiceKind,
} from "@meetuphype/testkit";
import { faultHarness, generated, sleep } from "./harness.js";

// Test-only knobs for the soak (npm run chaos); CI runs the defaults.
const RECORDS = Number(process.env.CHAOS_RECORDS ?? 60_000);
const RATE = Number(process.env.CHAOS_RATE ?? 700);
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 1);
const SEED = Number(process.env.CHAOS_SEED ?? 7);

const h = faultHarness();

type Fault = { name: string; run: (p: TestPipeline) => Promise<unknown> };

const kill = (kind: Exclude<ServiceKind, "aggregator">): Fault => ({
  name: `SIGKILL ${kind}, start another`,
  run: async (p) => {
    await p.kill(kind, 0);
    await p.add(kind);
  },
});

/** One round of the schedule: 11 SIGKILLs over every kind, scaling both ways, a NATS and a Kafka restart. */
const ROUND: readonly Fault[] = [
  { name: "scale counters 1→4", run: (p) => Promise.all([p.add("counter"), p.add("counter"), p.add("counter")]) },
  kill("ingest"),
  { name: "scale dedups 1→3", run: (p) => Promise.all([p.add("dedup"), p.add("dedup")]) },
  kill("counter"),
  {
    name: "SIGKILL aggregator, start another",
    run: async (p) => {
      await p.kill("aggregator", 0);
      p.startAggregator();
    },
  },
  { name: "restart NATS", run: () => h.infra.faults.restartNats(1000) },
  kill("dedup"),
  { name: "scale counters 4→2 (SIGTERM)", run: (p) => Promise.all([p.stopGracefully("counter", 0), p.stopGracefully("counter", 0)]) },
  kill("ingest"),
  { name: "restart Kafka", run: () => h.infra.faults.restartKafka(2000) },
  { name: "scale dedups 3→1 (SIGTERM)", run: (p) => Promise.all([p.stopGracefully("dedup", 0), p.stopGracefully("dedup", 0)]) },
  kill("counter"),
  {
    name: "SIGKILL aggregator, start another",
    run: async (p) => {
      await p.kill("aggregator", 0);
      p.startAggregator();
    },
  },
  kill("dedup"),
  kill("ingest"),
  kill("counter"),
  kill("dedup"),
];

it(`stays exact through ${ROUNDS * ROUND.length} faults while ${RECORDS} records flow`, async () => {
  const lines = generated(RECORDS, SEED);
  const { p, prefix } = await h.start("chaos", { ingests: 2, dedups: 1, counters: 1, logLevel: "debug" });

  // Every snapshot any client is served, across aggregator restarts.
  const served: { at: number; s: ServedSnapshot }[] = [];
  const watching: { on: boolean; current?: { cancel(): void } } = { on: true };
  const watcher = (async () => {
    while (watching.on) {
      const client = trendingClient(p.grpcAddr);
      const w = watchTrending(client, 0, (s) => served.push({ at: Date.now(), s }));
      watching.current = w;
      await w.done.catch(() => undefined);
      client.close();
      await sleep(200);
    }
  })();
  const rss = new Map<string, number>();
  const sampler = setInterval(() => {
    for (const [kind, cs] of p.replicas)
      for (const c of cs) {
        const r = c.pid === undefined ? 0 : rssOf(c.pid);
        if (r > (rss.get(kind) ?? 0)) rss.set(kind, r);
      }
  }, 1000);

  const started = Date.now();
  // Through a file: a million lines do not fit in one string.
  const input = join(mkdtempSync(join(tmpdir(), "chaos-")), "input.jsonl");
  for (let i = 0; i < lines.length; i += 10_000) appendFileSync(input, `${lines.slice(i, i + 10_000).join("\n")}\n`);
  const producing = p.produce(["--input", input, "--rate", String(RATE)]);
  const spacing = ((RECORDS / RATE) * 1000 * 0.8) / (ROUNDS * ROUND.length);
  const timeline: string[] = [];
  for (let r = 0; r < ROUNDS; r++)
    for (const f of ROUND) {
      await sleep(spacing);
      const t0 = Date.now();
      await f.run(p);
      timeline.push(`${((t0 - started) / 1000).toFixed(1)} s: ${f.name} (${Date.now() - t0} ms until the replica was ready)`);
    }
  const res = await producing;
  expect(res.code, res.stderr).toBe(0);
  const produced = Date.now();

  const model = referenceRanking(lines, DEFAULT_PARAMS);
  await p.servedEqualsModel(model, 300_000);
  const settled = Date.now();
  watching.on = false;
  watching.current?.cancel();
  clearInterval(sampler);

  const audit = await auditDelivery({ kafkaBrokers: h.infra.kafkaBrokers, topic: prefix, natsUrl: h.infra.natsUrl, prefix });
  const overlaps = overlappingTenures(tenures(p.replicaLogs().filter((l) => l.kind === "dedup" || l.kind === "counter")));
  const firstFull = served.findIndex((x) => x.s.topics.length > 0);
  const emptyAfter = firstFull < 0 ? [] : served.slice(firstFull).filter((x) => x.s.topics.length === 0);
  console.log(
    [
      `chaos: ${RECORDS} records at ${RATE}/s, ${ROUNDS * ROUND.length} faults, seed ${SEED}`,
      ...timeline,
      `produced in ${((produced - started) / 1000).toFixed(1)} s; equal to the model ${((settled - produced) / 1000).toFixed(1)} s after the last record`,
      `delivery: ${audit.valid} valid records, ${audit.missing.length} missing, ${audit.unexpected.length} unexpected, ${audit.redelivered} redelivered`,
      `served snapshots: ${served.length}, empty after the first ranking: ${emptyAfter.length}, stale: ${served.filter((x) => x.s.stale === true).length}`,
      ...emptyAfter.map((x) => `  empty at ${((x.at - started) / 1000).toFixed(1)} s, asOfMs ${x.s.asOfMs}`),
      `shard tenures: ${tenures(p.replicaLogs()).length}, overlapping: ${overlaps.length}`,
      `peak RSS (MiB): ${[...rss].map(([k, v]) => `${k} ${(v / 1048576).toFixed(0)}`).join(", ")}`,
    ].join("\n"),
  );
  await watcher;
  expect(audit.missing.slice(0, 5)).toEqual([]);
  expect(audit.unexpected.slice(0, 5)).toEqual([]);
  expect(overlaps.slice(0, 5)).toEqual([]);
  expect(emptyAfter.length).toBe(0);
});
