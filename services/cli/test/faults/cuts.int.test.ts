/**
 * Exact cuts, as a viewer sees them: every ranking WatchTrending sends while records
 * flow through separate processes (2 ingests, 2 dedups, 3 counters, 4 partitions),
 * at a steady rate, then in a burst, with a dedup replica SIGKILLed in between, is
 * the model's ranking over exactly the records of the cut it names (read back from
 * the topic), at the cut's clock. Nothing in between is allowed to be approximate.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { referenceRanking } from "@meetuphype/testkit";
import { faultHarness, generated, sleep } from "./harness.js";
import { checkServedCuts, linesInCut, readTopic } from "./served-cuts.js";

const h = faultHarness();

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
    const stored = await readTopic(h.infra.kafkaBrokers, prefix);
    // The topic is keyed by rsvp_id (4 partitions): every partition got records.
    expect(new Set(stored.map((r) => r.partition)).size).toBe(4);
    const v = checkServedCuts(snaps, stored, prefix);
    console.log(`cuts: ${snaps.length} snapshots, ${v.partial} of them partial, ${v.catchingUp} catching up, ${v.wrong.length} not exact`);
    expect(v.wrong.slice(0, 5)).toEqual([]);
    // The test means something only if it saw rankings of partial input while records flowed.
    expect(v.partial).toBeGreaterThan(5);
    // The cuts only grow, and the settled ranking's holds every record.
    expect(v.growing).toBe(true);
    expect(settled === undefined ? 0 : linesInCut(settled, stored).length).toBe(stored.length);
  });
});
