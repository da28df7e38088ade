/**
 * A dedup shard's ports in a replica: deltas go out as protobuf, under an id that a retry or a
 * replay repeats, through the fenced effects (so never once the shard's lease lapsed).
 */
import { describe, expect, it } from "vitest";
import { DeltaColumns } from "@meetuphype/core";
import { silentLogger } from "@meetuphype/log";
import { createMetrics } from "@meetuphype/metrics";
import { decodeDeltaMessages, names, type PublishAck } from "@meetuphype/control-plane";
import { FencedEffects, LeaseExpiredError, type ShardServiceEnv } from "@meetuphype/shard-runtime";
import { deltaAt } from "@meetuphype/testkit";
import { DeltaOutbox } from "../src/outbox.js";
import { natsDedupPorts } from "../src/ports.js";

const T = 1_700_000_000_000;
const delta = deltaAt(T, 3);
const message = {
  shard: 5,
  epoch: 2,
  segments: [
    { seq: 10, part: 0, deltas: DeltaColumns.of([delta]) },
    { seq: 11, part: 1, deltas: DeltaColumns.of([delta]) },
  ],
  coverage: [{ partition: 0, next: 4, clock: T }],
};

function setup() {
  let valid = true;
  const published: { subject: string; data: Uint8Array; msgID: string }[] = [];
  const js = {
    publish: (subject: string, data: Uint8Array, msgID: string): Promise<PublishAck> => {
      published.push({ subject, data, msgID });
      return Promise.resolve({ stream: "s", seq: 40 + published.length, duplicate: false });
    },
  };
  const env = { names: names("t"), logger: silentLogger, metrics: createMetrics("dedup") } as unknown as ShardServiceEnv;
  const effects = new FencedEffects({ epoch: 2, valid: () => valid }, js, { publish: () => undefined }, silentLogger);
  const ports = natsDedupPorts(5, env, effects, new DeltaOutbox(js));
  return { ports, published, lapse: () => (valid = false) };
}

describe("dedup's ports in a replica", () => {
  it("publish a message as protobuf to the counter shard's subject, with an id made of its epoch, first and last segment", async () => {
    const { ports, published } = setup();
    expect(await ports.send(7, message, new AbortController().signal)).toBe(41);
    expect(published.map((p) => [p.subject, p.msgID])).toEqual([[names("t").counterSubject(7), "dedup5e2-10.0-11.1-7"]]);
    expect(decodeDeltaMessages(published[0]?.data ?? new Uint8Array())).toEqual([message]);
  });

  it("publish nothing once the shard's lease lapsed", async () => {
    const { ports, published, lapse } = setup();
    lapse();
    await expect(ports.send(7, message, new AbortController().signal)).rejects.toBeInstanceOf(LeaseExpiredError);
    expect(published).toEqual([]);
  });
});
