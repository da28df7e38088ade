import { describe, expect, it } from "vitest";
import { ConfigError } from "@meetuphype/config";
import { ingestConfig } from "../src/index.js";

describe("ingestConfig", () => {
  it("prefixes the consumer group and names the dead-letter topic after the topic", () => {
    const c = ingestConfig([], { NAME_PREFIX: "blue", KAFKA_TOPIC: "rsvps" });
    expect(c.groupId).toBe("blue.ingest");
    expect(c.dlqTopic).toBe("rsvps.dlq");
    expect(c.prefix).toBe("blue");
    expect(c.natsUrl).toBe("nats://127.0.0.1:4222");
  });

  it("refuses a prefix that cannot name a stream", () => {
    expect(() => ingestConfig(["--name-prefix", "a.b"], {})).toThrow(ConfigError);
    expect(() => ingestConfig([], { NAME_PREFIX: "a b" })).toThrow(/NAME_PREFIX \(--name-prefix\) must be 1-32 letters/);
  });

  it("takes the replication settings: one copy and the brokers' defaults unless asked", () => {
    expect(ingestConfig([], {})).toMatchObject({ natsReplicas: 1, replicationFactor: 0, minInsyncReplicas: 0 });
    const ha = ingestConfig(["--kafka-min-insync-replicas", "2"], { NATS_REPLICAS: "3", KAFKA_REPLICATION_FACTOR: "3" });
    expect(ha).toMatchObject({ natsReplicas: 3, replicationFactor: 3, minInsyncReplicas: 2 });
    expect(() => ingestConfig([], { NATS_REPLICAS: "0" })).toThrow(/NATS_REPLICAS \(--nats-replicas\)/);
    expect(() => ingestConfig([], { NATS_REPLICAS: "7" })).toThrow(ConfigError);
  });

  it("takes the fetch wait: 50 ms unless asked, refusing what is not a time it can wait", () => {
    expect(ingestConfig([], {}).fetchWaitMs).toBe(50);
    expect(ingestConfig(["--kafka-fetch-wait-ms", "20"], {}).fetchWaitMs).toBe(20);
    expect(ingestConfig([], { KAFKA_FETCH_WAIT_MS: "0" }).fetchWaitMs).toBe(0);
    expect(() => ingestConfig([], { KAFKA_FETCH_WAIT_MS: "-1" })).toThrow(
      /KAFKA_FETCH_WAIT_MS \(--kafka-fetch-wait-ms\) must be an integer in \[0, 10000\]/,
    );
  });
});
