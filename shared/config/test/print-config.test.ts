import { describe, expect, it } from "vitest";
import { effectiveConfig, maskSecrets, type OptionSpec } from "../src/index.js";

const specs: OptionSpec[] = [
  { flag: "nats-url", env: "NATS_URL", type: "string", default: "nats://127.0.0.1:4222", help: "" },
  { flag: "password", env: "PASSWORD", type: "string", secret: true, help: "" },
  { flag: "top-n", env: "TOP_N", type: "int", default: 20, help: "" },
  { flag: "help", type: "bool", default: false, help: "" },
];

describe("--print-config", () => {
  it("masks passwords in URLs, bare tokens in URLs, and secret options whole", () => {
    const url = specs[0] as OptionSpec;
    expect(maskSecrets(url, "nats://alice:s3cr:et@h:4222,tls://bob:pw@h2:4222")).toBe("nats://alice:****@h:4222,tls://bob:****@h2:4222");
    expect(maskSecrets(url, "nats://sometoken@h:4222")).toBe("nats://****@h:4222");
    expect(maskSecrets(url, "nats://h:4222")).toBe("nats://h:4222");
    expect(maskSecrets(specs[1] as OptionSpec, "hunter2")).toBe("****");
    expect(maskSecrets(specs[1] as OptionSpec, undefined)).toBe("(unset)");
  });

  it("prints each option with its value and where it came from, never a secret", () => {
    const out = effectiveConfig(specs, ["--top-n", "5"], { NATS_URL: "nats://u:hunter2@h:1", PASSWORD: "hunter2" });
    expect(out).toMatch(/^nats-url +nats:\/\/u:\*\*\*\*@h:1 +\(env NATS_URL\)$/m);
    expect(out).toMatch(/^password +\*\*\*\* +\(env PASSWORD\)$/m);
    expect(out).toMatch(/^top-n +5 +\(--top-n\)$/m);
    expect(out).not.toContain("hunter2");
    expect(out).not.toMatch(/^help/m);
  });
});

describe("--print-config of a derived default", () => {
  it("shows the effective value of an unset option whose default follows another (the dead-letter topic)", () => {
    const withDlq: OptionSpec[] = [
      { flag: "kafka-topic", env: "KAFKA_TOPIC", type: "string", default: "meetup", help: "" },
      {
        flag: "kafka-dlq-topic",
        type: "string",
        help: "",
        derived: { from: "--kafka-topic", value: (v) => `${String(v["kafka-topic"])}.dlq` },
      },
    ];
    expect(effectiveConfig(withDlq, [], { KAFKA_TOPIC: "rsvps" })).toMatch(
      /^kafka-dlq-topic +rsvps\.dlq +\(default, from --kafka-topic\)$/m,
    );
    expect(effectiveConfig(withDlq, ["--kafka-dlq-topic", "bad"], {})).toMatch(/^kafka-dlq-topic +bad +\(--kafka-dlq-topic\)$/m);
  });
});
