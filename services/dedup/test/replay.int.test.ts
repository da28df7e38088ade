/**
 * A dedup shard's replay under a new lease epoch, against a real nats-server: a batch that the
 * shard's former owner sent before its lease lapsed can be stored late (it sat in a frozen
 * server's socket), after the new owner's first batches. The counter shard then fences it (its
 * epoch is older), so the new owner's copy of the same positions must be stored, not dropped
 * by JetStream as a duplicate of the fenced one. Every delta is counted exactly once.
 */
import { connect, RetentionPolicy, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEFAULT_PARAMS, DeltaColumns } from "@meetuphype/core";
import { silentLogger } from "@meetuphype/log";
import { createMetrics } from "@meetuphype/metrics";
import { decodeDeltaMessages, JetStreamPublisher, names, type DeltaMessage } from "@meetuphype/control-plane";
import { FencedEffects, type ShardServiceEnv } from "@meetuphype/shard-runtime";
import { counterShard } from "@meetuphype/stage-shards";
import { deltaAt, uniqueName } from "@meetuphype/testkit";
import { DeltaOutbox } from "../src/outbox.js";
import { natsDedupPorts } from "../src/ports.js";

const T = 1_700_000_000_000;
const DEDUP_SHARD = 5;
const TARGET = 7;

let nc: NatsConnection;
let prefix: string;
let stream: string;

beforeAll(async () => {
  nc = await connect({ servers: inject("natsUrl") });
  prefix = uniqueName("replay");
  stream = uniqueName("counter");
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [names(prefix).counterSubject(TARGET)], retention: RetentionPolicy.Limits });
});

afterAll(async () => {
  await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
  await nc.drain();
});

/** A batch of the dedup shard's input messages `from`..`to`, one delta each, covering `to` records. */
const batch = (epoch: number, from: number, to: number): DeltaMessage => ({
  shard: DEDUP_SHARD,
  epoch,
  segments: Array.from({ length: to - from + 1 }, (_, i) => ({
    seq: from + i,
    part: 0,
    deltas: DeltaColumns.of([deltaAt(T + (from + i) * 1000, 1)]),
  })),
  coverage: [{ partition: 0, next: to, clock: T + to * 1000 }],
});

/** The dedup ports of the shard's owner under `epoch`, publishing to the real server. */
function owner(epoch: number, publisher: JetStreamPublisher) {
  const env = { names: names(prefix), logger: silentLogger, metrics: createMetrics("dedup") } as unknown as ShardServiceEnv;
  const effects = new FencedEffects({ epoch, valid: () => true }, publisher, nc, silentLogger);
  return natsDedupPorts(DEDUP_SHARD, env, effects, new DeltaOutbox(publisher));
}

describe("a dedup shard's replay under a new epoch", () => {
  it("is stored beside a late batch of the former owner for the same positions, and every delta is counted once", async () => {
    const publisher = new JetStreamPublisher(nc);
    const signal = new AbortController().signal;
    try {
      const former = owner(1, publisher);
      const next = owner(2, publisher);
      // The new owner replays input messages 1..9; the former owner's batch of 10..11 lands after
      // them; the new owner then sends 10..11 itself.
      await next.send(TARGET, batch(2, 1, 9), signal);
      await former.send(TARGET, batch(1, 10, 11), signal);
      await next.send(TARGET, batch(2, 10, 11), signal);

      const jsm = await nc.jetstreamManager();
      const stored = (await jsm.streams.info(stream)).state.messages;
      expect(stored, "messages stored in the counter shard's stream").toBe(3);
      const counted = new Map<string, number>();
      const counter = counterShard<Uint8Array>({
        shard: TARGET,
        snapshot: undefined,
        lease: { epoch: 1, valid: () => true },
        params: DEFAULT_PARAMS,
        dedupShards: 8,
        ports: {
          read: decodeDeltaMessages,
          answer: () => undefined,
          count: (outcome, n) => counted.set(outcome, (counted.get(outcome) ?? 0) + n),
          logger: silentLogger,
        },
      });
      const messages = [];
      for (let seq = 1; seq <= stored; seq++)
        messages.push({ seq, data: (await jsm.streams.getMessage(stream, { seq })).data, pending: 0 });
      await counter.logic.onStream(messages, signal);
      expect(Object.fromEntries(counted)).toEqual({ deltas_applied: 11, deltas_skipped: 2 });
    } finally {
      publisher.close();
    }
  });
});
