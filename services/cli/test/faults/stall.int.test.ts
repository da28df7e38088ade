/**
 * A replica that stalls (SIGSTOP: a long GC pause, a frozen VM) keeps its connections and
 * believes its leases are its own. Past the lease the other replicas take its shards, and
 * when it goes on (SIGCONT) it must stop acting for them before they started, and nothing
 * it had in flight may count twice. A lone replica that stalls must take its shards back.
 * Each test ends exact and complete, and prints how long the pipeline took to recover.
 */
import { describe, expect, it } from "vitest";
import { overlappingTenures, tenures, type Tenure } from "@meetuphype/testkit";
import { getTrending, trendingClient } from "@meetuphype/grpc";
import { faultHarness, generated, recovery, sleep } from "./harness.js";

const h = faultHarness();

/** Past a lease (6 s): the replica finds its leases lapsed when it goes on. */
const STALL_MS = 12_000;
/**
 * Long enough for a peer to take the shards meanwhile: the member entry expires (5 s), then
 * the peer waits a whole lease TTL (6 s) on its own clock, so a takeover comes about 12 s in.
 */
const TAKEOVER_STALL_MS = 20_000;

/** Tenures that began while the stall lasted, by replicas other than the stalled ones. */
const takenDuring = (ts: readonly Tenure[], from: number, to: number, stalled: readonly string[]): Tenure[] =>
  ts.filter((t) => t.start >= from && t.start <= to && !stalled.includes(t.replica));

describe("a stalled replica is fenced", () => {
  it(`a dedup and a counter replica stalled ${TAKEOVER_STALL_MS / 1000} s while records flow: the others take their shards, nobody acts twice, nothing is lost`, async () => {
    const lines = generated(20_000, 31);
    const { p, prefix } = await h.start("stall", { dedups: 2, counters: 2, logLevel: "debug" });
    const producing = p.produce(["--input", "-", "--rate", "600"], `${lines.join("\n")}\n`);
    await p.waitForRanking();
    // The replicas stalled below (index 0 of each kind; none has retired yet).
    const names = [p.replicaLogs().find((l) => l.kind === "dedup"), p.replicaLogs().find((l) => l.kind === "counter")].map(
      (l) => l?.label ?? "?",
    );
    const from = Date.now();
    await Promise.all([p.stall("dedup", 0, TAKEOVER_STALL_MS), p.stall("counter", 0, TAKEOVER_STALL_MS)]);
    const to = Date.now();
    console.log(
      `dedup + counter stall ${TAKEOVER_STALL_MS / 1000} s: serving a current ranking ${((await recovery(p)) / 1000).toFixed(1)} s after SIGCONT`,
    );
    const res = await producing;
    expect(res.code, res.stderr).toBe(0);
    await h.expectExactAndComplete(p, prefix, lines, `dedup + counter stall ${TAKEOVER_STALL_MS / 1000} s`);

    const ts = tenures(p.replicaLogs().filter((l) => l.kind === "dedup" || l.kind === "counter"));
    // The stall outlasted the leases: the other replicas took shards meanwhile, of both kinds.
    const taken = takenDuring(ts, from, to, names);
    expect(new Set(taken.map((t) => t.kind))).toEqual(new Set(["dedup", "counter"]));
    // And the stalled replicas had stopped acting for each of them before (their own logs).
    expect(overlappingTenures(ts).slice(0, 5)).toEqual([]);
    console.log(`stall: ${taken.length} shards taken over during the stall, ${ts.length} tenures in all, none overlapping`);
  });

  // While it is stalled the ranking must not pass for current: a silent dedup holds the clock
  // (catching up); a silent counter leaves no ranking complete, so the last one is served, stale.
  const lone = [
    { kind: "dedup", seed: 37, says: "catchingUp", what: "its shards are silent, so the ranking is catching up" },
    { kind: "counter", seed: 41, says: "stale", what: "no ranking is complete, so the last one is served, stale" },
  ] as const;
  it.each(lone)(
    `the only $kind replica stalled ${STALL_MS / 1000} s during a backlog takes its shards back ($what meanwhile)`,
    async ({ kind, seed, says }) => {
      const lines = generated(15_000, seed);
      const { p, prefix } = await h.start(`stall${kind}`, { dedups: 1, counters: 1, logLevel: "debug" });
      const producing = p.produce(["--input", "-", "--rate", "1500"], `${lines.join("\n")}\n`);
      await p.waitForRanking();
      const stalling = p.stall(kind, 0, STALL_MS); // the backlog grows in its streams meanwhile
      await sleep(STALL_MS / 2);
      const client = trendingClient(p.grpcAddr);
      const during = await getTrending(client, 1).finally(() => client.close());
      expect(during[says]).toBe(true);
      await stalling;
      const resumed = Date.now();
      const res = await producing;
      expect(res.code, res.stderr).toBe(0);
      await h.expectExactAndComplete(p, prefix, lines, `lone ${kind} stall ${STALL_MS / 1000} s`);
      console.log(`lone ${kind} stall: equal to the model ${((Date.now() - resumed) / 1000).toFixed(1)} s after SIGCONT`);
      // It lost its leases while stalled (its own log says so) and took its shards again.
      const ts = tenures(p.replicaLogs().filter((l) => l.kind === kind));
      expect(ts.filter((t) => t.start >= resumed).length).toBeGreaterThan(0);
      expect(overlappingTenures(ts)).toEqual([]);
    },
  );
});
