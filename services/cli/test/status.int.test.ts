/**
 * `meetuphype status --json` against a running distributed pipeline: it reads
 * NATS and Kafka alone and shows the right owners after a counter replica joins
 * and after it leaves; with a prefix that does not exist it says so.
 */
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { eventually, runCli, TestPipeline, uniqueName } from "@meetuphype/testkit";

const kafkaBrokers = inject("kafkaBrokers");
const natsUrl = inject("natsUrl");
let p: TestPipeline;

interface StatusJson {
  replicas: { kind: string; id: string; leaving: boolean; shardsOwned: number }[];
  shards: { kind: string; shard: number; owner: string | null; pending?: number }[];
  aggregators: { id: string; lastRankingAt?: number }[];
  ingest: { members: number; partitions: { partition: number; lag: number }[] } | null;
  problems: string[];
}

async function status(): Promise<{ code: number | null; json: StatusJson | undefined; stderr: string }> {
  const res = await runCli(["status", "--json"], { env: p.env });
  let json: StatusJson | undefined;
  try {
    json = JSON.parse(res.stdout) as StatusJson;
  } catch {
    json = undefined;
  }
  return { code: res.code, json, stderr: res.stderr };
}

/** The counter replicas and how many shards each owns, once every counter shard is owned by a live replica and no problem is listed. */
async function settledCounters(replicas: number): Promise<Map<string, number>> {
  return eventually(
    `status to show ${replicas} counter replica(s) owning all counter shards`,
    async () => {
      const { code, json, stderr } = await status();
      if (json === undefined) return `no JSON (exit ${code}): ${stderr}`;
      const live = json.replicas.filter((r) => r.kind === "counter");
      const owners = new Set(json.shards.filter((s) => s.kind === "counter").map((s) => s.owner));
      const ok =
        code === 0 &&
        json.problems.length === 0 &&
        live.length === replicas &&
        live.every((r) => r.shardsOwned > 0 && !r.leaving) &&
        [...owners].every((o) => live.some((r) => r.id === o));
      return ok ? new Map(live.map((r) => [r.id, r.shardsOwned])) : `exit ${code}: ${JSON.stringify({ live, problems: json.problems })}`;
    },
    60_000,
  );
}

beforeAll(async () => {
  p = await TestPipeline.start({ kafkaBrokers, natsUrl, prefix: uniqueName("status") });
  const produced = await p.produce(["--count", "2000", "--rate", "100000"]);
  expect(produced.code, produced.stderr).toBe(0);
  await p.waitForRanking();
});

afterAll(async () => {
  await p.stop();
});

// Longer than its two waits together (60 s each), so that a failure says which of them ran out
// instead of only that the test did (a CI run timed out at 120 s with no other word).
it("shows the replicas, all shards owned, the aggregator and ingest's lag", { timeout: 180_000 }, async () => {
  const owned = await settledCounters(1);
  expect([...owned.values()]).toEqual([32]);
  const { json } = await status();
  expect(json?.replicas.filter((r) => r.kind === "dedup").map((r) => r.shardsOwned)).toEqual([16]);
  expect(json?.shards.every((s) => s.pending !== undefined)).toBe(true);
  expect(json?.aggregators).toHaveLength(1);
  expect(json?.aggregators[0]?.lastRankingAt).toBeGreaterThan(Date.now() - 60_000);
  expect(json?.ingest?.members).toBe(1);
  await eventually("ingest's lag to be 0", async () => {
    const lag = (await status()).json?.ingest?.partitions.reduce((a, x) => a + x.lag, 0);
    return lag === 0 ? true : `lag ${lag}`;
  });
});

it("shows the new owners after a counter replica joins, and after it leaves", async () => {
  const before = [...(await settledCounters(1)).keys()];
  await p.add("counter");
  const two = await settledCounters(2);
  expect([...two.values()].reduce((a, b) => a + b, 0)).toBe(32);
  const joined = [...two.keys()].find((id) => !before.includes(id));
  expect(joined).toBeDefined();

  expect(await p.stopGracefully("counter", 1)).toBe(0);
  const one = await settledCounters(1);
  expect([...one.keys()]).toEqual(before);
  expect([...one.values()]).toEqual([32]);
});

it("names the missing pipeline when the prefix is wrong, and exits 2", async () => {
  const res = await runCli(["status", "--no-kafka"], { env: { ...p.env, NAME_PREFIX: uniqueName("nothing") } });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/no pipeline named "[^"]+" on nats:.*set NAME_PREFIX/);
});
