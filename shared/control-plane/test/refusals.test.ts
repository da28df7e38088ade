import { describe, expect, it } from "vitest";
import { looseSecretFile } from "@meetuphype/config";
import { BrokerRefusedError, BrokerUnavailableError, connectionError, refusal, securityHint } from "../src/index.js";

const withCode = (message: string, code: string, name = "Error"): Error => Object.assign(new Error(message), { code, name });
const named = (name: string, message: string, cause?: unknown): Error => {
  const e = new Error(message, cause === undefined ? undefined : { cause });
  e.name = name;
  return e;
};

describe("a broker that refuses us", () => {
  it("is a refused NATS login, with the settings to fix", () => {
    expect(refusal("NATS", withCode("'Authorization Violation'", "AUTHORIZATION_VIOLATION", "NatsError"))).toMatch(
      /refused the login .*: set NATS_USER and NATS_PASSWORD, NATS_TOKEN or NATS_CREDS/,
    );
  });

  it("is a Kafka SASL failure, even wrapped", () => {
    const sasl = named("KafkaJSSASLAuthenticationError", "SASL SCRAM SHA256 authentication failed");
    expect(refusal("Kafka", named("KafkaJSNonRetriableError", "x", sasl))).toMatch(/check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME/);
  });

  it("is a certificate the client does not trust, found down the cause chain", () => {
    const tls = withCode("unable to verify the first certificate", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "KafkaJSConnectionError");
    expect(refusal("Kafka", named("KafkaJSNumberOfRetriesExceeded", "Connection error", tls))).toMatch(/set KAFKA_TLS_CA/);
    expect(refusal("NATS", withCode("self-signed certificate in certificate chain", "SELF_SIGNED_CERT_IN_CHAIN"))).toMatch(
      /set NATS_TLS_CA/,
    );
  });

  it("is not a broker that is away or restarting", () => {
    expect(refusal("NATS", withCode("connect ECONNREFUSED", "ECONNREFUSED"))).toBeUndefined();
    expect(refusal("Kafka", named("KafkaJSConnectionClosedError", "Closed connection"))).toBeUndefined();
    expect(refusal("Kafka", "a string")).toBeUndefined();
  });

  it("stops with a refusal (not retriable) or an unavailable broker (retriable)", () => {
    const refused = connectionError("NATS", "nats://h:4222", withCode("x", "AUTHORIZATION_VIOLATION"), { secured: true });
    expect(refused).toBeInstanceOf(BrokerRefusedError);
    expect(refused.message).toMatch(/^NATS at nats:\/\/h:4222: it refused the login/);
    const away = connectionError("Kafka", "h:9092", named("KafkaJSConnectionClosedError", "Closed connection"), { secured: false });
    expect(away).toBeInstanceOf(BrokerUnavailableError);
    expect(away.message).toMatch(
      /cannot reach Kafka at h:9092: .*Closed connection \(if its listener uses TLS or SASL, set KAFKA_TLS=true/,
    );
    const down = connectionError("Kafka", "h:9092", withCode("connect ECONNREFUSED", "ECONNREFUSED"), {
      secured: true,
      hint: "set KAFKA_BROKERS",
    });
    expect(down.message).toMatch(/\(set KAFKA_BROKERS\)$/);
  });

  it("hints at TLS or SASL only for a closed Kafka connection of a client that uses neither", () => {
    const closed = named("KafkaJSConnectionClosedError", "Closed connection");
    expect(securityHint("Kafka", closed, false)).toMatch(/KAFKA_TLS=true/);
    expect(securityHint("Kafka", closed, true)).toBeUndefined();
    expect(securityHint("Kafka", withCode("refused", "ECONNREFUSED"), false)).toBeUndefined();
  });
});

describe("a secret file others can read", () => {
  it("gets a warning with the fix; owner- and group-only files do not", () => {
    expect(looseSecretFile("/etc/app.creds", "NATS_CREDS", 0o100644)).toBe(
      "NATS_CREDS /etc/app.creds can be read by every user of this machine (mode 0644): chmod 600 it (on Kubernetes: defaultMode 0440 on the Secret volume, with the pod's fsGroup)",
    );
    expect(looseSecretFile("/k", "KAFKA_TLS_KEY", 0o100600)).toBeUndefined();
    expect(looseSecretFile("/k", "KAFKA_TLS_KEY", 0o100640)).toBeUndefined();
  });
});
