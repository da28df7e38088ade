/**
 * Issue 18's contract: on three NATS servers and three Kafka brokers, with every stream and
 * bucket kept three times (NATS_REPLICAS=3) and topics replicated (replication factor 3,
 * min.insync.replicas 2), the pipeline loses nothing when a broker node goes away while
 * records flow, and no service restarts. The NATS server leading the dedup stream and the
 * Kafka broker leading partition 0 are SIGKILLed and started again, then the active KRaft
 * controller, and another NATS server is frozen (SIGSTOP) for 15 s. Every ranking served
 * meanwhile (WatchTrending) must be exact for the cut it names, however stale.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { freeClusterPorts, kraftLeader, startLocalCluster, type LocalCluster } from "@meetuphype/infra";
import {
  auditDelivery,
  KAFKA_JARS,
  logTail,
  partitionPlacement,
  referenceRanking,
  streamPlacement,
  TestPipeline,
  uniqueName,
} from "@meetuphype/testkit";
import { generated, sleep } from "./harness.js";
import { checkServedCuts, readTopic, unflaggedWaits, viewsOf, watchEnds } from "./served-cuts.js";

/** How long records may wait in the topic before the ranking in view must say so (see unflaggedWaits). */
const FLAG_GRACE_MS = 8000;

describe("the pipeline on replicated brokers (3 NATS servers, 3 Kafka brokers)", () => {
  let dir: string;
  let cluster: LocalCluster;
  let p: TestPipeline | undefined;
  let stopWatching: (() => void) | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mh-ha-"));
    cluster = await startLocalCluster({ dir, ...KAFKA_JARS, ports: await freeClusterPorts(3), kafkaHeap: "384m" });
  }, 240_000);
  afterEach(async () => {
    stopWatching?.();
    await p?.stop();
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("loses nothing when broker nodes are killed and stalled while records flow, and no service restarts", async () => {
    const lines = generated(20_000, 31);
    const prefix = uniqueName("ha");
    const { kafkaBrokers, natsUrl } = cluster;
    p = await TestPipeline.start({
      kafkaBrokers,
      natsUrl,
      prefix,
      dedups: 2,
      counters: 2,
      env: { NATS_REPLICAS: "3", KAFKA_REPLICATION_FACTOR: "3", KAFKA_MIN_INSYNC_REPLICAS: "2" },
    });
    const producing = p.produce(["--input", "-", "--rate", "400"], `${lines.join("\n")}\n`);
    await p.waitForRanking(120_000);
    // Every ranking served from here on, with when it came and which fault was under way.
    const served: { snap: ServedSnapshot; during: string; at: number }[] = [];
    let during = "before the faults";
    const client = trendingClient(p.grpcAddr);
    const watch = watchTrending(client, 0, (snap) => void served.push({ snap, during, at: Date.now() }));
    // What the topic held over time, to judge the flags of what was served.
    const ends = watchEnds(kafkaBrokers, prefix);
    stopWatching = () => {
      watch.cancel();
      client.close();
      void ends.stop();
    };

    const stream = await streamPlacement(natsUrl, `${prefix}_dedup`);
    expect(stream.replicas).toBe(3);
    const natsLeader = stream.leader ?? "";
    expect(natsLeader).toMatch(/^nats-[123]$/);
    during = `${natsLeader} killed`;
    await cluster.server(natsLeader).restart({ crash: true, downMs: 5000 });
    console.log(`SIGKILLed ${natsLeader} (leader of the dedup stream), started again after 5 s`);

    const partitions = await partitionPlacement(kafkaBrokers, prefix);
    expect(partitions.map((q) => q.replicas)).toEqual(partitions.map(() => 3));
    const kafkaLeader = partitions.find((q) => q.partition === 0)?.leader;
    during = `kafka-${kafkaLeader} killed`;
    await cluster.server(`kafka-${kafkaLeader}`).restart({ crash: true, downMs: 5000 });
    console.log(`SIGKILLed kafka-${kafkaLeader} (leader of partition 0), started again after 5 s`);

    // The active KRaft controller, as the nodes wrote it down (it may be the node just restarted).
    const controller = kraftLeader(cluster.nodes);
    expect(controller, "the active KRaft controller").toBeDefined();
    during = `kafka-${controller} (controller) killed`;
    await cluster.server(`kafka-${controller}`).restart({ crash: true, downMs: 5000 });
    console.log(`SIGKILLed kafka-${controller} (the active KRaft controller), started again after 5 s`);

    const frozen = cluster.server(["nats-1", "nats-2", "nats-3"].find((s) => s !== natsLeader) ?? "nats-1");
    during = "a NATS server frozen";
    frozen.stall();
    await sleep(15_000);
    frozen.resume();
    console.log("froze a NATS server for 15 s");

    during = "after the faults";
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    const model = referenceRanking(lines, DEFAULT_PARAMS);
    // Every replica's whole log, for a failure that the last lines do not explain.
    const saveLogs = (): string => {
      const logs = mkdtempSync(join(tmpdir(), "mh-ha-logs-"));
      for (const [kind, children] of p?.replicas ?? [])
        children.forEach((c, i) => writeFileSync(join(logs, `${kind}-${i}.log`), c.output.stderr));
      return logs;
    };
    await p.servedEqualsModel(model, 240_000).catch(async (err: unknown) => {
      const logs = saveLogs();
      // Where the difference comes from: records that never reached dedup, or later.
      const audit = await auditDelivery({ kafkaBrokers, topic: prefix, natsUrl, prefix }).catch((e: unknown) => String(e));
      const where =
        typeof audit === "string"
          ? `the delivery audit failed: ${audit}`
          : `${audit.valid} valid records in the topic, ${audit.missing.length} never reached dedup`;
      // Where the served ranking stood: a cut that stopped moving names the stage that stalled.
      const last = served[served.length - 1];
      const stood =
        last === undefined
          ? "no ranking was served after the faults began"
          : `the last ranking served came ${Math.round((Date.now() - last.at) / 1000)} s ago (${last.during}): ` +
            `stale ${last.snap.stale === true}, catching up ${last.snap.catchingUp === true}, ${last.snap.recordsBehind ?? 0} records behind, ` +
            `cut ${(last.snap.cut ?? []).map((c) => `${c.partition}:${c.next}`).join(" ")}`;
      throw new Error(`${String(err)}\n${where}\n${stood}\n(every replica's whole log is in ${logs})`);
    });
    const watchedUntil = Date.now();
    stopWatching();
    await ends.stop();
    // What viewers saw while nodes were away: each ranking exact for the cut it names.
    const v = checkServedCuts(
      served.map((x) => x.snap),
      await readTopic(kafkaBrokers, prefix),
      prefix,
    );
    // And flagged: a ranking that stood while records waited in the topic said so.
    const views = viewsOf(served, watchedUntil);
    const windows = [...new Set(served.map((x) => x.during))].map((d) => {
      const in_ = views.filter((_, i) => served[i]?.during === d);
      const unflagged = unflaggedWaits(in_, ends.seen, FLAG_GRACE_MS).length;
      const flagged = (f: "stale" | "catchingUp"): number => in_.filter((x) => x.snap[f] === true).length;
      return `${d}: ${in_.length} (${flagged("stale")} stale, ${flagged("catchingUp")} catching up, ${unflagged} unflagged while records waited)`;
    });
    console.log(`served while nodes were away: ${windows.join("; ")}; ${v.wrong.length} not exact`);
    const unflagged = unflaggedWaits(views, ends.seen, FLAG_GRACE_MS);
    expect(v.wrong.slice(0, 5), "rankings not exact for their cut").toEqual([]);
    expect(v.growing, "cuts only grow").toBe(true);
    expect(
      unflagged.slice(0, 5),
      `rankings that stood unflagged while records waited in the topic (logs: ${unflagged.length > 0 ? saveLogs() : "-"})`,
    ).toEqual([]);
    const audit = await auditDelivery({ kafkaBrokers, topic: prefix, natsUrl, prefix });
    console.log(`replicated brokers: ${audit.valid} valid records, ${audit.missing.length} missing, ${audit.redelivered} redelivered`);
    expect(audit.missing.slice(0, 5), "valid records that never reached dedup").toEqual([]);
    expect(audit.unexpected.slice(0, 5), "forwarded records that are not valid").toEqual([]);
    expect(audit.valid).toBeGreaterThanOrEqual(model.accepted);
    // No service restarted: every replica started is still the same process.
    for (const [kind, children] of p.replicas)
      for (const c of children) expect(c.exitCode, `${kind} exited:\n${logTail(c.output.stderr, 30)}`).toBeNull();
    // Retries that wait on one signal are not a listener leak, and say nothing of one. (kafkajs's own
    // sockets may still warn while a broker refuses connections: its code, not ours.)
    for (const [kind, children] of p.replicas)
      for (const c of children) expect(c.output.stderr, `${kind}'s log`).not.toMatch(/MaxListenersExceededWarning.*\[AbortSignal\]/);
  });
});
