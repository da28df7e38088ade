import { describe, expect, it } from "vitest";
import {
  ConfigError,
  KAFKA_OPTIONS,
  NATS_OPTIONS,
  effectiveConfig,
  kafkaSecurityFrom,
  natsSecurityFrom,
  optionHelp,
  parseOptions,
} from "../src/index.js";

const nats = (env: Record<string, string>) => natsSecurityFrom(parseOptions(NATS_OPTIONS, [], env).values);
const kafka = (env: Record<string, string>, argv: string[] = []) => kafkaSecurityFrom(parseOptions(KAFKA_OPTIONS, argv, env).values);

describe("NATS login and TLS settings", () => {
  it("is anonymous and without TLS files when nothing is set", () => {
    expect(nats({})).toEqual({ login: { kind: "none" } });
  });

  it("takes a user and password, a token, or a credentials file", () => {
    expect(nats({ NATS_USER: "pipe", NATS_PASSWORD: "pw" }).login).toEqual({ kind: "user", user: "pipe", password: "pw" });
    expect(nats({ NATS_TOKEN: "t0k" }).login).toEqual({ kind: "token", token: "t0k" });
    expect(nats({ NATS_CREDS: "/etc/nats/app.creds" }).login).toEqual({ kind: "creds", file: "/etc/nats/app.creds" });
  });

  it("refuses two ways of logging in, and a user without a password", () => {
    expect(() => nats({ NATS_TOKEN: "t", NATS_CREDS: "/c" })).toThrow(/NATS logs in one way/);
    expect(() => nats({ NATS_USER: "u", NATS_PASSWORD: "p", NATS_TOKEN: "t" })).toThrow(ConfigError);
    expect(() => nats({ NATS_USER: "u" })).toThrow(/NATS_USER \(--nats-user\) and NATS_PASSWORD \(--nats-password\) go together/);
  });

  it("keeps the TLS files, a certificate only with its key", () => {
    expect(nats({ NATS_TLS_CA: "/ca.pem" }).tls).toEqual({ ca: "/ca.pem" });
    expect(nats({ NATS_TLS_CERT: "/c.pem", NATS_TLS_KEY: "/k.pem" }).tls).toEqual({ cert: "/c.pem", key: "/k.pem" });
    expect(() => nats({ NATS_TLS_CERT: "/c.pem" })).toThrow(/NATS_TLS_CERT \(--nats-tls-cert\) and NATS_TLS_KEY/);
  });
});

describe("Kafka SASL and TLS settings", () => {
  it("is plaintext and anonymous when nothing is set", () => {
    expect(kafka({})).toEqual({});
  });

  it("takes the mechanism in any case, with its user and password", () => {
    const env = { KAFKA_SASL_MECHANISM: "SCRAM-SHA-512", KAFKA_SASL_USERNAME: "alice", KAFKA_SASL_PASSWORD: "pw" };
    expect(kafka(env).sasl).toEqual({ mechanism: "scram-sha-512", username: "alice", password: "pw" });
    expect(kafka({}, ["--kafka-sasl-mechanism", "plain", "--kafka-sasl-username", "a", "--kafka-sasl-password", "b"]).sasl?.mechanism).toBe(
      "plain",
    );
  });

  it("names what is missing or unknown", () => {
    expect(() => kafka({ KAFKA_SASL_MECHANISM: "GSSAPI" })).toThrow(/must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512/);
    expect(() => kafka({ KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_USERNAME: "a" })).toThrow(
      /KAFKA_SASL_MECHANISM=PLAIN needs KAFKA_SASL_USERNAME \(--kafka-sasl-username\) and KAFKA_SASL_PASSWORD/,
    );
    expect(() => kafka({ KAFKA_SASL_USERNAME: "a", KAFKA_SASL_PASSWORD: "b" })).toThrow(/need KAFKA_SASL_MECHANISM/);
  });

  it("uses TLS only when asked, with the system's CAs unless a CA is given", () => {
    expect(kafka({ KAFKA_TLS: "true" }).tls).toEqual({});
    expect(kafka({ KAFKA_TLS: "true", KAFKA_TLS_CA: "/ca.pem" }).tls).toEqual({ ca: "/ca.pem" });
    expect(() => kafka({ KAFKA_TLS_CA: "/ca.pem" })).toThrow(/take effect with KAFKA_TLS=true/);
    expect(() => kafka({ KAFKA_TLS: "1", KAFKA_TLS_KEY: "/k.pem" })).toThrow(/KAFKA_TLS_CERT \(--kafka-tls-cert\) and KAFKA_TLS_KEY/);
  });
});

describe("secrets stay out of --help and --print-config", () => {
  it("masks the passwords and the token, and --help shows no value", () => {
    const env = { NATS_PASSWORD: "hunter2", NATS_USER: "u", NATS_TOKEN: "tok-123", KAFKA_SASL_PASSWORD: "kpw-456" };
    const shown = effectiveConfig([...NATS_OPTIONS, ...KAFKA_OPTIONS], [], env);
    expect(shown).not.toMatch(/hunter2|tok-123|kpw-456/);
    expect(shown).toMatch(/^nats-password +\*\*\*\*/m);
    expect(shown).toMatch(/^kafka-sasl-password +\*\*\*\*/m);
    expect(optionHelp([...NATS_OPTIONS, ...KAFKA_OPTIONS])).toMatch(/NATS_CREDS/);
  });
});
