import { describe, expect, it } from "vitest";
import { isRefusedReplicas, NatsReplicasError, replicasFailure } from "../src/index.js";

describe("NATS_REPLICAS errors", () => {
  it("are final when the server refuses the count, and name the setting", () => {
    const e = new NatsReplicasError("the streams of mh", 3, new Error("the NATS server 127.0.0.1:4222 is not part of a cluster"));
    expect(isRefusedReplicas(e)).toBe(true);
    expect(e.message).toMatch(/NATS refused 3 replicas for the streams of mh: .*Set NATS_REPLICAS \(--nats-replicas\)/);
  });

  it("are retried while a cluster cannot place the copies yet (its servers still starting)", () => {
    const e = new NatsReplicasError("stream mh_dedup", 3, new Error("no suitable peers for placement"));
    expect(isRefusedReplicas(e)).toBe(false);
    expect(e.retriable).toBe(true);
    expect(e.message).toMatch(
      /cannot place 3 copies of stream mh_dedup yet: no suitable peers for placement\. Waiting for 3 JetStream servers/,
    );
    expect(isRefusedReplicas(new Error("no suitable peers"))).toBe(false);
  });

  it("only an answer from the server is a refusal: a request that timed out is retried as it is", () => {
    const refusal = Object.assign(new Error("replicas > 1 not supported in non-clustered mode"), {
      api_error: { code: 500, err_code: 10074, description: "replicas > 1 not supported in non-clustered mode" },
    });
    const refused = replicasFailure("KV bucket mh_members", 3, refusal);
    expect(refused).toBeInstanceOf(NatsReplicasError);
    expect(isRefusedReplicas(refused)).toBe(true);
    // nats.js's request timeout (a cluster busy electing, creating other streams): no answer, no verdict.
    const timeout = Object.assign(new Error("TIMEOUT"), { code: "TIMEOUT" });
    expect(replicasFailure("KV bucket mh_members", 3, timeout)).toBe(timeout);
    expect(isRefusedReplicas(replicasFailure("KV bucket mh_members", 3, timeout))).toBe(false);
    // One copy: errors pass through as they are.
    expect(replicasFailure("KV bucket mh_members", 1, refusal)).toBe(refusal);
  });
});
