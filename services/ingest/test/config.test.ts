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
});
