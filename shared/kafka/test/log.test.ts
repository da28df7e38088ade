import { logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { kafkaEntryLevel } from "../src/index.js";

describe("kafkajs log levels", () => {
  it("sends a broker that is not up yet, or moving leaders, out at warn; real errors stay errors", () => {
    expect(kafkaEntryLevel(logLevel.ERROR, "[BrokerPool] Failed to connect to seed broker, trying another broker from the list", {})).toBe(
      "warn",
    );
    expect(kafkaEntryLevel(logLevel.ERROR, "[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092", {})).toBe("warn");
    expect(
      kafkaEntryLevel(logLevel.ERROR, "Response Metadata", {
        error: "There is no leader for this topic-partition as we are in the middle of a leadership election",
      }),
    ).toBe("warn");
    expect(kafkaEntryLevel(logLevel.ERROR, "Restarting the consumer in 300ms", { retryCount: 1 })).toBe("warn");
    expect(kafkaEntryLevel(logLevel.ERROR, "[Consumer] Crash: KafkaJSNonRetriableError", { error: "SASL authentication failed" })).toBe(
      "error",
    );
    // Two replicas starting together both create the topic: the one that comes second is told it exists.
    expect(kafkaEntryLevel(logLevel.ERROR, "Response CreateTopics(key: 19, version: 3)", { error: "Topic creation errors" })).toBe("info");
    expect(kafkaEntryLevel(logLevel.WARN, "x", {})).toBe("warn");
    // Our idempotent producer bounds its retries on purpose (producer.ts): not a warning at every start.
    expect(kafkaEntryLevel(logLevel.WARN, "Limiting retries for the idempotent producer may invalidate EoS guarantees", {})).toBe("debug");
    expect(kafkaEntryLevel(logLevel.INFO, "x", {})).toBe("info");
    expect(kafkaEntryLevel(logLevel.DEBUG, "x", {})).toBe("debug");
  });
});
