/** A counter shard's ports in a replica: answers go out as protobuf on the top-K subject, and never once its lease lapsed. */
import { describe, expect, it } from "vitest";
import { silentLogger } from "@meetuphype/log";
import { createMetrics } from "@meetuphype/metrics";
import { decodeShardTopK, names } from "@meetuphype/control-plane";
import { FencedEffects, type ShardServiceEnv } from "@meetuphype/shard-runtime";
import { natsCounterPorts } from "../src/ports.js";

describe("counter's ports in a replica", () => {
  it("send an answer to the top-K subject while the lease is valid, and none after", () => {
    let valid = true;
    const sent: { subject: string; data: Uint8Array }[] = [];
    const core = { publish: (subject: string, data: Uint8Array) => void sent.push({ subject, data }) };
    const env = { names: names("t"), replica: "r1", logger: silentLogger, metrics: createMetrics("counter") } as unknown as ShardServiceEnv;
    const ports = natsCounterPorts(env, new FencedEffects({ epoch: 3, valid: () => valid }, undefined as never, core, silentLogger));
    const top = { shard: 2, seq: 9, now: 100, topics: [], epoch: 3, coverage: [], ranked: false };
    ports.answer(top);
    valid = false;
    ports.answer({ ...top, seq: 10 });
    expect(sent.map((s) => s.subject)).toEqual([names("t").topkSubject]);
    expect(decodeShardTopK(sent[0]?.data ?? new Uint8Array())).toMatchObject({ shard: 2, seq: 9, epoch: 3 });
  });
});
