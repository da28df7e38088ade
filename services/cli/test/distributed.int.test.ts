/**
 * The distributed pipeline on the real servers: producer → Kafka → ingest →
 * dedup → counter → aggregator, each a separate process. Once idle, GetTrending
 * equals the trending model exactly, and the dead-letter topic holds exactly the
 * rejected records; with several replicas, and with replicas joining and
 * leaving while records flow.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, inject, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { DEFAULT_PARAMS, type TrendingParams } from "@meetuphype/core";
import { getTrending, getTrendingHistory, trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { SyntheticSource } from "@meetuphype/pipeline";
import {
  captureFiles,
  childPids,
  isRunning,
  waitForReady,
  runCli,
  startCli,
  exited,
  freePort,
  eventually,
  generatedLines,
  rankingDifferences,
  readLines,
  referenceRanking,
  referenceRejection,
  TestPipeline,
  uniqueName,
} from "@meetuphype/testkit";

const kafkaBrokers = inject("kafkaBrokers");
const natsUrl = inject("natsUrl");
let pipeline: TestPipeline | undefined;

afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

/** Reads the dead-letter topic until it holds `expected` records (and a moment more, to see extras). */
async function deadLetters(topic: string, expected: number): Promise<{ reason: string; value: string }[]> {
  const kafka = new Kafka({ brokers: [kafkaBrokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName("dlqreader") });
  const got: { reason: string; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      got.push({ reason: message.headers?.reason?.toString() ?? "", value: message.value?.toString("utf8") ?? "" });
      return Promise.resolve();
    },
  });
  await eventually("the dead letters", () => Promise.resolve(got.length >= expected ? got : `${got.length} of ${expected}`), 60_000);
  await consumer.disconnect();
  return got;
}

function expectedDeadLetters(lines: readonly string[]): { reason: string; value: string }[] {
  return lines.flatMap((l) => {
    const reason = l.trim() === "" ? undefined : referenceRejection(l);
    return reason === undefined ? [] : [{ reason, value: l }];
  });
}

const sortDl = (xs: { reason: string; value: string }[]) =>
  [...xs].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.reason < b.reason ? -1 : 1));

const generated = generatedLines;

describe("the distributed pipeline", () => {
  it("equals the model on a real capture, and dead-letters exactly the rejected records", async () => {
    const prefix = uniqueName("capture");
    const file = captureFiles().find((f) => f.includes("nitinmatani"));
    if (file === undefined) throw new Error("capture missing");
    const lines = readLines(file);
    pipeline = await TestPipeline.start({ kafkaBrokers, natsUrl, prefix });
    const res = await pipeline.produce(["--input", file]);
    expect(res.code, res.stderr).toBe(0);
    await pipeline.servedEqualsModel(referenceRanking(lines, DEFAULT_PARAMS));
    expect(sortDl(await deadLetters(`${prefix}.dlq`, 1))).toEqual(sortDl(expectedDeadLetters(lines)));
  });

  it("equals the model on a generated stream with duplicates, updates and bad lines, with 3 counters and 2 dedups", async () => {
    const prefix = uniqueName("gen");
    const lines = generated(8000, 5);
    const params: TrendingParams = { ...DEFAULT_PARAMS, decay: 2, topN: 30 };
    pipeline = await TestPipeline.start({
      kafkaBrokers,
      natsUrl,
      prefix,
      counters: 3,
      dedups: 2,
      ingests: 2,
      flags: ["--decay", "2", "--top-n", "30"],
    });
    const res = await pipeline.produce(["--input", "-"], `${lines.join("\n")}\n`);
    expect(res.code, res.stderr).toBe(0);
    const served = await pipeline.servedEqualsModel(referenceRanking(lines, params));
    expect(served.topics).toHaveLength(30);
    const expected = expectedDeadLetters(lines);
    expect(expected.length).toBeGreaterThan(50);
    expect(sortDl(await deadLetters(`${prefix}.dlq`, expected.length))).toEqual(sortDl(expected));
  });

  it("stays exact while a counter joins, another leaves and a dedup leaves, as records flow; watchers see the changes", async () => {
    const prefix = uniqueName("scale");
    const lines = generated(6000, 9);
    pipeline = await TestPipeline.start({ kafkaBrokers, natsUrl, prefix, counters: 2, dedups: 2 });
    const p = pipeline;
    const client = trendingClient(p.grpcAddr);
    const seen: ServedSnapshot[] = [];
    const watch = watchTrending(client, 5, (s) => seen.push(s));
    await eventually("the initial snapshot", () => Promise.resolve(seen.length >= 1 ? true : "none yet"), 10_000);

    const producing = p.produce(["--input", "-", "--rate", "500"], `${lines.join("\n")}\n`);
    await eventually("records to flow", () => Promise.resolve(seen.length >= 2 ? true : "no update yet"), 30_000);
    await p.add("counter");
    expect(await p.stopGracefully("counter", 0)).toBe(0);
    expect(await p.stopGracefully("dedup", 0)).toBe(0);
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);

    await p.servedEqualsModel(referenceRanking(lines, DEFAULT_PARAMS));
    watch.cancel();
    await watch.done;
    client.close();
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[0]?.topics).toEqual([]);
  });
});

describe("the distributed pipeline after a crash", () => {
  it("stays exact when a counter and a dedup replica are killed (no hand-over) while records flow", async () => {
    const prefix = uniqueName("crash");
    const lines = generated(6000, 13);
    pipeline = await TestPipeline.start({ kafkaBrokers, natsUrl, prefix, counters: 2, dedups: 2 });
    const p = pipeline;
    const producing = p.produce(["--input", "-", "--rate", "600"], `${lines.join("\n")}\n`);
    await p.waitForRanking(30_000);
    await p.kill("counter", 0);
    await p.kill("dedup", 0);
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    // The survivors take the dead replicas' shards over from their last snapshots
    // (or from the start of the streams) once the member TTL has passed.
    await p.servedEqualsModel(referenceRanking(lines, DEFAULT_PARAMS));
  });
});

describe("the ranking's history (GetTrendingHistory)", () => {
  it("is kept by the aggregator in NATS: a restarted aggregator serves the same points", async () => {
    const prefix = uniqueName("history");
    pipeline = await TestPipeline.start({ kafkaBrokers, natsUrl, prefix });
    const p = pipeline;
    const src = new SyntheticSource({ seed: 5, rate: 0.5 }); // 300 lines = 10 minutes of the trending clock
    const client = trendingClient(p.grpcAddr);
    try {
      const all: string[] = [];
      for (let chunk = 0; chunk < 4; chunk++) {
        const lines = Array.from({ length: 300 }, () => src.next());
        all.push(...lines);
        const res = await p.produce(["--input", "-"], `${lines.join("\n")}\n`);
        expect(res.code, res.stderr).toBe(0);
        // Settled, not only at the chunk's clock: for up to a progress report after a burst the
        // ranking can run ahead of the shards, and its as_of_ms steps back meanwhile
        // (docs/architecture.md, "The watermark"), which rewrites that minute's point.
        await p.servedEqualsModel(referenceRanking(all, DEFAULT_PARAMS));
      }
      const served = await getTrending(client, 0);
      const before = await getTrendingHistory(client);
      expect(before.resolutionMs).toBe(60_000);
      expect(before.points.length).toBeGreaterThanOrEqual(4);
      expect(before.points.at(-1)).toEqual({
        asOfMs: served.asOfMs,
        topics: served.topics.map(({ key, name, score }) => ({ key, name, score })),
      });
      await p.kill("aggregator");
      p.startAggregator();
      const after = await eventually("the restarted aggregator's history", async () => {
        const h = await getTrendingHistory(client).catch((e: unknown) => String(e));
        if (typeof h === "string") return h;
        return h.points.length >= before.points.length ? h : `${h.points.length} points, not ${before.points.length}\n${p.logs()}`;
      });
      expect(after.points.slice(0, before.points.length)).toEqual(before.points);
    } finally {
      client.close();
    }
  });
});

describe("meetuphype run from Kafka (embedded, in-memory transport)", () => {
  it("takes the original app's positional arguments and equals the model", async () => {
    const topic = uniqueName("embedded");
    const file = captureFiles().find((f) => f.includes("example5"));
    if (file === undefined) throw new Error("capture missing");
    const env = { KAFKA_BROKERS: kafkaBrokers, KAFKA_TOPIC: topic, LOG_LEVEL: "warn" };
    const produced = await runCli(["produce", "--input", file, "--health-port", "0", "--no-progress"], { env });
    expect(produced.code, produced.stderr).toBe(0);
    const res = await runCli(["run", kafkaBrokers, uniqueName("group"), topic, "10", "2", "0.5", "--once", "--json"], {
      env: { LOG_LEVEL: "warn" },
    });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { asOfMs: number; topics: { rank: number; key: string; name: string; score: number }[] };
    const model = referenceRanking(readLines(file), { ...DEFAULT_PARAMS, topN: 10, windowDays: 2, decay: 0.5 });
    expect(rankingDifferences(out.topics, model)).toEqual([]);
    expect(out.asOfMs).toBe(model.asOfMs);
  });
});

/** `meetuphype cluster ...args` against the test brokers, with its own names. */
const startCluster = (prefix: string, args: readonly string[]) =>
  startCli(["cluster", ...args], {
    KAFKA_BROKERS: kafkaBrokers,
    NATS_URL: natsUrl,
    NAME_PREFIX: prefix,
    KAFKA_TOPIC: prefix,
    LOG_LEVEL: "warn",
  });

describe("meetuphype cluster", () => {
  it("runs every service as a child process, says where each listens, serves a ranking (and the board), and stops them all on SIGINT", async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const prefix = uniqueName("cluster");
    const args = [
      "--counters",
      "2",
      "--rate",
      "300",
      "--grpc-port",
      String(grpcPort),
      "--emit-interval-ms",
      "200",
      "--http-port",
      String(httpPort),
    ];
    const child = startCluster(prefix, args);
    try {
      const client = trendingClient(`127.0.0.1:${grpcPort}`);
      await eventually(
        "a non-empty ranking",
        async () => {
          if (child.exitCode !== null) throw new Error(`cluster exited ${child.exitCode}: ${child.output.stderr}`);
          const s = await getTrending(client, 5).catch((e: unknown) => String(e));
          return typeof s !== "string" && s.topics.length > 0 ? s : typeof s === "string" ? s : "empty";
        },
        90_000,
      );
      client.close();
      await eventually("the board's ranking", async () => {
        const res = await fetch(`http://127.0.0.1:${httpPort}/api/trending`).catch((e: unknown) => String(e));
        if (typeof res === "string") return res;
        const body = (await res.json()) as { topics?: unknown[] };
        return (body.topics?.length ?? 0) > 0 ? true : `HTTP ${res.status}`;
      });
      // Every child's health and metrics address is printed at start, and answers.
      const listed = [...child.output.stderr.matchAll(/^ {2}(\S+) +.*health and metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)$/gm)];
      expect(listed.map((m) => m[1])).toEqual(["aggregator", "counter-1", "counter-2", "dedup-1", "ingest-1", "producer", "board"]);
      for (const [, name, url] of listed) expect((await fetch(url!)).status, `${name}'s ${url}`).toBe(200);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited(child)).toBe(0);
    // The console shape, with a caveat line under Time: while the shards start (catching up).
    expect(child.output.stdout).toMatch(/^-{43}\nTime: \d+ ms\n(\((stale|catching up)[^\n]*\)\n)?-{43}\n/m);
  });

  it("starts a child that died again, with a line saying so, and its children stop when cluster is SIGKILLed", async () => {
    const prefix = uniqueName("cluster-sup");
    const args = ["--no-producer", "--no-board", "--ingests", "0", "--dedups", "0", "--grpc-port", String(await freePort())];
    const child = startCluster(prefix, args);
    const clusterPid = child.pid!;
    const commandOf = (pid: number): string =>
      readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .split("\0")
        .slice(2)
        .filter((a) => a !== "")
        .join(" ");
    const counterPid = (): number | string => childPids(clusterPid).find((p) => commandOf(p) === "counter") ?? "no counter child";
    try {
      const port = await eventually("counter-1's health port in the listing", () => {
        if (child.exitCode !== null) throw new Error(`cluster exited ${child.exitCode}: ${child.output.stderr}`);
        const listed = /^ {2}counter-1 +health and metrics http:\/\/127\.0\.0\.1:(\d+)/m.exec(child.output.stderr)?.[1];
        return listed === undefined ? "not listed yet" : Number(listed);
      });
      await waitForReady(port, 60_000, "counter-1");
      const first = await eventually("the counter child", counterPid);
      expect(childPids(clusterPid).map(commandOf).sort()).toEqual(["aggregator", "counter"]);

      process.kill(first, "SIGKILL");
      await eventually("the restart line", () =>
        child.output.stderr.includes("[counter-1] exited SIGKILL while the cluster runs; restarting it now (restart 1 in a row)")
          ? true
          : child.output.stderr.slice(-300),
      );
      const second = await eventually("a new counter child", () => {
        const p = counterPid();
        return p === first ? "the old one" : p;
      });
      await waitForReady(port, 60_000, "counter-1 started again");
      expect(isRunning(second)).toBe(true);
    } finally {
      const orphans = childPids(clusterPid);
      child.kill("SIGKILL");
      await exited(child);
      // Nothing is left behind: each child saw its channel to cluster close and stopped itself.
      await eventually(
        "every child of the SIGKILLed cluster to stop",
        () => (orphans.every((p) => !isRunning(p)) ? true : `still running: ${orphans.filter(isRunning).join(", ")}`),
        30_000,
      );
    }
  });
});
