/** The aggregator's history in a real NATS KV bucket: what one store saves, the next one loads; minutes beyond the horizon are deleted. */
import { connect } from "nats";
import { describe, expect, inject, it } from "vitest";
import { createLogger } from "@meetuphype/log";
import { RankingHistory, type HistoryPoint } from "@meetuphype/core";
import { uniqueName } from "@meetuphype/testkit";
import { names } from "@meetuphype/control-plane";
import { openHistoryStore } from "../src/history-store.js";

const MIN = 60_000;
const point = (minute: number, score: number): HistoryPoint => ({
  asOfMs: minute * MIN + 5000,
  topics: [
    { key: "a", name: "A", score },
    { key: "b", name: "B", score: score / 2 },
  ],
});

describe("the history store", () => {
  it("loads what an earlier store saved, and deletes what left the horizon", async () => {
    const nc = await connect({ servers: inject("natsUrl") });
    const logger = createLogger("warn", "text", () => undefined);
    try {
      const n = names(uniqueName("hist"));
      const js = nc.jetstream();
      const first = new RankingHistory(MIN, 10 * MIN);
      const store = await openHistoryStore(js, n, first, logger);
      for (let m = 100; m < 115; m++) {
        const p = point(m, m);
        const dropped = first.record(p);
        await store.save(m, p, dropped ?? []);
      }
      expect(first.list().map((p) => p.asOfMs / MIN)).toHaveLength(10);
      const second = new RankingHistory(MIN, 10 * MIN);
      await openHistoryStore(js, n, second, logger);
      expect(second.list()).toEqual(first.list());
      const keys: string[] = [];
      for await (const k of await (await js.views.kv(n.historyBucket)).keys()) keys.push(k);
      expect(keys.sort()).toEqual(
        first
          .list()
          .map((p) => `m${Math.floor(p.asOfMs / MIN)}`)
          .sort(),
      );
    } finally {
      await nc.close();
    }
  });
});
