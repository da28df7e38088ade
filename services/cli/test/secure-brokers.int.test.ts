/**
 * The pipeline through brokers that demand TLS and a login, with certificates the
 * test makes: a nats-server with TLS required and user authorization, a Kafka broker
 * with a SASL_SSL listener. The distributed pipeline equals the model through them
 * (SCRAM-SHA-512), `run --kafka-brokers --once` reads the topic with PLAIN and
 * `status` reports over SCRAM-SHA-256. A wrong password or an untrusted certificate
 * stops a service at once (exit 1) with the settings to fix; no secret is ever printed.
 */
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PARAMS } from "@meetuphype/core";
import {
  eventually,
  exited,
  generatedLines,
  makeTestCerts,
  rankingDifferences,
  referenceRanking,
  runCli,
  freePort,
  startCli,
  startCredsNats,
  startSecureInfra,
  waitForReady,
  TestPipeline,
  uniqueName,
  type SecureInfra,
  type TestCerts,
} from "@meetuphype/testkit";

let certs: TestCerts;
let infra: SecureInfra;
let pipeline: TestPipeline | undefined;

beforeAll(async () => {
  certs = makeTestCerts();
  infra = await startSecureInfra(certs);
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
  await infra?.stop();
});

/** Everything a service needs to reach both brokers. */
function secureEnv(mechanism = "SCRAM-SHA-512"): Record<string, string> {
  return {
    NATS_URL: infra.natsUrl,
    NATS_USER: infra.user.name,
    NATS_PASSWORD: infra.user.password,
    NATS_TLS_CA: certs.ca,
    KAFKA_BROKERS: infra.kafkaBrokers,
    KAFKA_TLS: "true",
    KAFKA_TLS_CA: certs.ca,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: infra.user.name,
    KAFKA_SASL_PASSWORD: infra.user.password,
  };
}

const noSecret = (text: string): void => expect(text).not.toContain(infra.user.password);

describe("secured brokers", () => {
  it("carry the whole pipeline: the ranking equals the model; run --once (PLAIN) and status (SCRAM-SHA-256) read them too", async () => {
    const prefix = uniqueName("secure");
    const lines = generatedLines(3000, 21);
    const env = secureEnv();
    pipeline = await TestPipeline.start({ kafkaBrokers: infra.kafkaBrokers, natsUrl: infra.natsUrl, prefix, dedups: 2, env });
    const produced = await pipeline.produce(["--input", "-"], `${lines.join("\n")}\n`);
    expect(produced.code, produced.stderr).toBe(0);
    const model = referenceRanking(lines, DEFAULT_PARAMS);
    await pipeline.servedEqualsModel(model);

    const once = await runCli(
      ["run", "--kafka-brokers", infra.kafkaBrokers, "--kafka-topic", prefix, "--once", "--json", "--no-progress"],
      {
        env: { ...secureEnv("PLAIN"), KAFKA_GROUP_ID: uniqueName("embedded") },
      },
    );
    expect(once.code, once.stderr).toBe(0);
    const ranking = JSON.parse(once.stdout) as { topics: Parameters<typeof rankingDifferences>[0] };
    expect(rankingDifferences(ranking.topics, model)).toEqual([]);

    const status = await runCli(["status", "--json"], { env: { ...secureEnv("SCRAM-SHA-256"), NAME_PREFIX: prefix, KAFKA_TOPIC: prefix } });
    expect(status.stderr).not.toMatch(/cannot reach|refused/);
    const report = JSON.parse(status.stdout) as { ingest: { members: number; partitions: { lag: number }[] } | null };
    expect(report.ingest?.members).toBe(1);
    expect(report.ingest?.partitions.reduce((a, p) => a + p.lag, 0)).toBe(0);
    for (const text of [produced.stderr, once.stderr, status.stderr, pipeline.logs()]) noSecret(text);
  });

  it("stops a service whose Kafka password is wrong, at once, naming the settings (exit 1)", async () => {
    const started = Date.now();
    const res = await runCli(["ingest", "--health-port", "0"], {
      env: { ...secureEnv(), NAME_PREFIX: uniqueName("badkafka"), KAFKA_SASL_PASSWORD: "not-the-password" },
    });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(
      /Kafka at 127\.0\.0\.1:\d+: it refused the login \(.*authentication failed.*\): check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    expect(res.stderr).not.toContain("not-the-password");
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("stops a service whose NATS login is refused, or that does not trust the server's certificate (exit 1)", async () => {
    const wrong = await runCli(["dedup", "--health-port", "0"], { env: { ...secureEnv(), NATS_PASSWORD: "wrong-pw-1" } });
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(wrong.stderr).toMatch(
      /NATS at nats:\/\/127\.0\.0\.1:\d+: it refused the login .*: set NATS_USER and NATS_PASSWORD, NATS_TOKEN or NATS_CREDS/,
    );
    expect(wrong.stderr).not.toContain("wrong-pw-1");

    const anonymous = await runCli(["counter", "--health-port", "0"], {
      env: { ...secureEnv(), NATS_USER: "", NATS_PASSWORD: "" },
    });
    expect(anonymous.code, anonymous.stderr).toBe(1);
    expect(anonymous.stderr).toMatch(/it refused the login/);

    const untrusted = await runCli(["aggregator", "--health-port", "0", "--grpc-port", "0"], {
      env: { ...secureEnv(), NATS_TLS_CA: certs.otherCa },
    });
    expect(untrusted.code, untrusted.stderr).toBe(1);
    expect(untrusted.stderr).toMatch(/NATS at .*: its TLS certificate is not trusted .*: set NATS_TLS_CA to the CA that signed it/);
    for (const r of [wrong, anonymous, untrusted]) noSecret(r.stderr);
  });

  it("warns about a key file every user can read, and hints at TLS/SASL when Kafka closes a plaintext connection", async () => {
    const loose = join(certs.dir, "loose-client.key");
    copyFileSync(certs.clientKey, loose);
    chmodSync(loose, 0o644);
    const status = await runCli(["status", "--no-kafka"], {
      env: { ...secureEnv(), NATS_TLS_CERT: certs.clientCert, NATS_TLS_KEY: loose, NAME_PREFIX: uniqueName("nopipeline") },
    });
    expect(status.stderr).toMatch(/NATS_TLS_KEY .*loose-client\.key can be read by every user of this machine \(mode 0644\): chmod 600 it/);
    expect(status.code).toBe(2); // the prefix names no pipeline: NATS itself was reached

    const plain = startCli(["produce", "--health-port", "0", "--count", "1", "--no-progress"], {
      KAFKA_BROKERS: infra.kafkaBrokers,
      KAFKA_TOPIC: uniqueName("plain"),
    });
    try {
      await eventually("the hint", () =>
        /set KAFKA_TLS=true and KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD/.test(plain.output.stderr)
          ? true
          : plain.output.stderr || "nothing logged yet",
      );
    } finally {
      plain.kill("SIGTERM");
      await exited(plain);
    }
  });
});

describe("a NATS credentials file (operator mode: user JWT and NKey seed)", () => {
  it("logs a replica in; a user of an unknown account is refused (exit 1); a file others can read is named", async () => {
    const nats = await startCredsNats();
    const port = await freePort();
    const dedup = startCli(["dedup", "--health-port", String(port)], {
      NATS_URL: nats.natsUrl,
      NATS_CREDS: nats.credsFile,
      NAME_PREFIX: uniqueName("creds"),
    });
    try {
      await waitForReady(port, 60_000, "a dedup replica logged in with NATS_CREDS");
      expect(dedup.output.stderr).not.toMatch(/can be read by every user/);

      const stranger = await runCli(["dedup", "--health-port", "0"], {
        env: { NATS_URL: nats.natsUrl, NATS_CREDS: nats.strangerCredsFile },
      });
      expect(stranger.code, stranger.stderr).toBe(1);
      expect(stranger.stderr).toMatch(/NATS at nats:\/\/127\.0\.0\.1:\d+: it refused the login .*NATS_CREDS/);
      const seed = /SU[A-Z0-9]{50,}/.exec(readFileSync(nats.strangerCredsFile, "utf8"))?.[0] ?? "no seed";
      expect(stranger.stderr).not.toContain(seed);

      const loose = `${nats.credsFile}.loose`;
      writeFileSync(loose, readFileSync(nats.credsFile), { mode: 0o644 });
      chmodSync(loose, 0o644);
      const status = await runCli(["status", "--no-kafka"], {
        env: { NATS_URL: nats.natsUrl, NATS_CREDS: loose, NAME_PREFIX: uniqueName("none") },
      });
      expect(status.stderr).toMatch(/NATS_CREDS .*\.loose can be read by every user of this machine \(mode 0644\)/);
      expect(status.code, status.stderr).toBe(2); // logged in: the prefix names no pipeline
    } finally {
      dedup.kill("SIGTERM");
      await exited(dedup);
      await nats.stop();
    }
  });
});
