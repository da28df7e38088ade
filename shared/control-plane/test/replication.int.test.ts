/**
 * NATS_REPLICAS against the real single server: one copy is what a single server keeps, and
 * more is refused at once with an error naming the resource and the setting (not retried
 * forever). The Kafka topic settings: shared/kafka/test/replication.int.test.ts.
 */
import { connect } from "nats";
import { describe, expect, inject, it } from "vitest";
import { uniqueName } from "@meetuphype/testkit";
import { ensureResources, names, NatsReplicasError } from "../src/index.js";

describe("NATS_REPLICAS on a single server", () => {
  it("creates every resource with one copy, and refuses three naming the resource and the setting", async () => {
    const nc = await connect({ servers: inject("natsUrl") });
    try {
      const n = names(uniqueName("repl"));
      await ensureResources(nc, n, 1);
      const jsm = await nc.jetstreamManager();
      for (const stream of [n.dedupStream, n.counterStream, `KV_${n.shardsBucket}`, `OBJ_${n.snapshotStore}`])
        expect((await jsm.streams.info(stream)).config.num_replicas).toBe(1);
      // Asked for three, a single server is refused before anything changes (nats-server 2.9 would accept
      // the change on an existing stream without keeping the copies).
      const again = await ensureResources(nc, n, 3).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(NatsReplicasError);
      expect(String(again)).toContain(`NATS refused 3 replicas for the streams of ${n.prefix}: the NATS server `);
      expect(String(again)).toMatch(/is not part of a cluster\. Set NATS_REPLICAS \(--nats-replicas\) to at most/);
      expect((await jsm.streams.info(n.dedupStream)).config.num_replicas).toBe(1);
      for (const name of [n.dedupStream, n.counterStream]) await jsm.streams.delete(name);
    } finally {
      await nc.close();
    }
  });
});
