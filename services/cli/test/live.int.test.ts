/**
 * `meetuphype run` as a long-running process: TrendingService streams a
 * changing ranking, health says SERVING, `meetuphype watch` and grpcurl work
 * as documented, and SIGTERM stops it cleanly.
 */
import { execFile } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { trendingClient, watchTrending, type ServedSnapshot } from "@meetuphype/grpc";
import { eventually, exited, findGrpcurl, freePort, grpcurlWatch, runCli, startCli, startServing, uniqueName } from "@meetuphype/testkit";

const exec = promisify(execFile);
let child: ReturnType<typeof startCli>;
let addr = "";
let metricsPort = 0;

async function waitForServing(target: string): Promise<void> {
  const client = trendingClient(target);
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 20_000, (err) => (err ? reject(err) : resolve())));
  client.close();
}

beforeAll(async () => {
  const port = await freePort();
  addr = `127.0.0.1:${port}`;
  metricsPort = await freePort();
  child = startServing(port, ["--metrics-port", String(metricsPort)]);
  await waitForServing(addr);
});

afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await exited(child);
});

describe("meetuphype run (live)", () => {
  it("streams the current ranking at once, then changes", async () => {
    const client = trendingClient(addr);
    const seen: ServedSnapshot[] = [];
    await new Promise<void>((resolve, reject) => {
      const w = watchTrending(client, 5, (s) => {
        seen.push(s);
        if (seen.length === 3) w.cancel();
      });
      w.done.then(resolve, reject);
    });
    client.close();
    expect(seen).toHaveLength(3);
    expect(seen[2]?.topics.length).toBeGreaterThan(0);
    expect(seen[2]?.topics.length).toBeLessThanOrEqual(5);
    expect(seen[1]).not.toEqual(seen[2]);
  });

  it("prints rankings with `meetuphype watch --once`, in the console shape and as JSON", async () => {
    const text = await runCli(["watch", "--addr", addr, "--once", "--limit", "3"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toBe("-".repeat(43));
    expect(lines[1]).toMatch(/^Time: \d+ ms$/);
    expect(lines[2]).toBe("-".repeat(43));
    expect(lines.slice(3).filter((l) => l !== "").length).toBeLessThanOrEqual(3);

    const json = await runCli(["watch", "--addr", addr, "--once", "--json"]);
    expect(json.code).toBe(0);
    const snap = JSON.parse(json.stdout) as { asOfMs: number; topics: { rank: number; key: string }[] };
    expect(snap.asOfMs).toBeGreaterThan(0);
    expect(snap.topics.map((t) => t.rank)).toEqual(snap.topics.map((_t, i) => i + 1));
  });

  it("works with grpcurl through reflection: WatchTrending and the health check", async (ctx) => {
    const grpcurl = findGrpcurl();
    if (grpcurl === undefined) return ctx.skip("grpcurl is not installed (CI installs it)");
    const health = await exec(grpcurl, ["-plaintext", addr, "grpc.health.v1.Health/Check"]);
    expect(JSON.parse(health.stdout)).toEqual({ status: "SERVING" });
    // What arrived in 2 s, with the proto's field names.
    const watch = await grpcurlWatch(grpcurl, ["-plaintext"], addr);
    expect(watch).toMatch(/"as_of_ms"/);
    expect(watch).toMatch(/"rank": 1/);
    // Reflection describes the messages with the proto's own (snake_case) field names.
    const described = await exec(grpcurl, ["-plaintext", addr, "describe", "meetuphype.v1.TrendingSnapshot"]);
    expect(described.stdout).toMatch(/int64 as_of_ms = 1;/);
    expect(described.stdout).toMatch(/uint64 pending_messages = 6;/);
  });

  it("serves Prometheus metrics with --metrics-port: records accepted, open watch streams", async () => {
    const { text } = await eventually(
      "accepted records in /metrics",
      async () => {
        const t = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
        return /^meetuphype_records_total\{stage="ingest",outcome="accepted",service="run"\} [1-9]/m.test(t)
          ? { text: t }
          : t
              .split("\n")
              .filter((l) => l.startsWith("meetuphype_records"))
              .join("; ") || "no records lines";
      },
      20_000,
    );
    expect(text).toMatch(/^meetuphype_watch_streams\{service="run"\} \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes\{service="run"\} \d+/m);
  });

  it("says why when the address is wrong", async () => {
    const res = await runCli(["watch", "--addr", `127.0.0.1:${await freePort()}`, "--once", "--retries", "0"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot watch 127\.0\.0\.1:\d+/);
  });

  it("stops cleanly on SIGTERM", async () => {
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
    expect(child.output.stdout).toMatch(/^-{43}\nTime: \d+ ms\n-{43}\n/);
  });
});

describe("meetuphype errors", () => {
  it("exits 2 naming a bad option", async () => {
    const res = await runCli(["run", "--once", "--input", "-", "--top-n", "x"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--top-n (TOP_N) must be an integer");
    const env = await runCli(["run", "--once", "--input", "-"], { env: { DECAY: "fast" } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("DECAY (--decay) must be a number");
  });

  it("exits 1 naming a missing input file", async () => {
    const res = await runCli(["run", "--once", "--input", "/nonexistent/rsvps.jsonl"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("cannot read input /nonexistent/rsvps.jsonl");
  });

  it("run --once on input where no line is valid exits 1, with the rejections by reason on standard error", async () => {
    const bad = await runCli(["run", "--once", "--input", "-"], { stdin: '{oops\n[]\n{"rsvp_id": 1}\n{oops\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("run: 4 of 4 lines rejected (invalid_json: 2, invalid_mtime: 1, not_an_object: 1)");
    expect(bad.stderr).toContain("no line of");
    const good = JSON.stringify({ rsvp_id: 1, mtime: 1_700_000_000_000, response: "yes", group: { group_topics: [{ urlkey: "js" }] } });
    const some = await runCli(["run", "--once", "--input", "-"], { stdin: `${good}\n{oops\n` });
    expect(some.code).toBe(0);
    expect(some.stderr).toContain("run: 1 of 2 lines rejected (invalid_json: 1)");
  });

  it("a service asked for more NATS copies than a single server keeps stops at once, naming the setting", async () => {
    const res = await runCli(["counter", "--nats-replicas", "3", "--health-port", "0"], {
      env: { NATS_URL: inject("natsUrl"), NAME_PREFIX: uniqueName("repl"), LOG_LEVEL: "warn" },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /NATS refused 3 replicas for the streams of \S+: the NATS server \S+ is not part of a cluster\. Set NATS_REPLICAS/,
    );
  });

  it("exits 1 with one line naming a gRPC port in use and the fix, and no log line of grpc-js's own", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const res = await runCli(["run", "--grpc-host", "127.0.0.1", "--grpc-port", String(port), "--http-port", "0", "--no-progress"]);
      expect(res.code).toBe(1);
      expect(res.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(
          new RegExp(`^meetuphype run: cannot listen for gRPC on 127\\.0\\.0\\.1:${port}: .*pick another with --grpc-port\\)$`),
        ),
      ]);
    } finally {
      taken.close();
    }
  });

  it("logs JSON lines with LOG_FORMAT=json, and an absent broker at warn while it waits", async () => {
    const dedup = startCli(["dedup", "--nats-url", `nats://127.0.0.1:${await freePort()}`, "--health-port", "0"], { LOG_FORMAT: "json" });
    const first = await eventually("a log line", () => {
      const line = dedup.output.stderr.split("\n").find((l) => l.includes("NATS"));
      return line === undefined ? "none yet" : { line };
    });
    dedup.kill("SIGTERM");
    expect(await exited(dedup)).toBe(0);
    const entry = JSON.parse(first.line) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: "warn", service: "dedup" });
    expect(String(entry.msg)).toMatch(/waiting for NATS at nats:\/\/127\.0\.0\.1:\d+/);
    expect(
      dedup.output.stderr
        .split("\n")
        .filter((l) => l !== "")
        .every((l) => l.startsWith("{")),
    ).toBe(true);
    expect(dedup.output.stderr).not.toMatch(/"level":"error"/);
  });

  it("never echoes a password from NATS_URL, in logs or error messages", async () => {
    const url = `nats://bob:hunter2@127.0.0.1:${await freePort()}`;
    const status = await runCli(["status", "--no-kafka"], { env: { NATS_URL: url } });
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/cannot reach NATS at nats:\/\/bob:\*\*\*\*@127\.0\.0\.1:\d+/);
    const dedup = startCli(["dedup", "--health-port", "0"], { NATS_URL: url });
    await eventually("a log line naming the NATS address", () => (dedup.output.stderr.includes("waiting for NATS") ? true : "none yet"));
    dedup.kill("SIGTERM");
    await exited(dedup);
    const printed = await runCli(["dedup", "--print-config"], { env: { NATS_URL: url } });
    for (const out of [status.stderr, dedup.output.stderr, printed.stdout]) expect(out).not.toContain("hunter2");
  });

  it("binds the health listener to HEALTH_HOST", async () => {
    const port = await freePort();
    const dedup = startCli(["dedup", "--health-port", String(port), "--nats-url", `nats://127.0.0.1:${await freePort()}`], {
      HEALTH_HOST: "127.0.0.2",
    });
    const status = await eventually("/healthz on 127.0.0.2", async () => {
      const r = await fetch(`http://127.0.0.2:${port}/healthz`).catch((e: unknown) => String(e));
      return typeof r === "string" ? r : { code: r.status };
    });
    const elsewhere = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.status,
      () => "refused",
    );
    dedup.kill("SIGTERM");
    await exited(dedup);
    expect(status.code).toBe(200);
    expect(elsewhere).toBe("refused");
  });

  it("prints help for every command", async () => {
    for (const cmd of [[], ["run"], ["watch"], ["generate"]]) {
      const res = await runCli([...cmd, "--help"]);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^Usage: meetuphype/);
    }
  });
});
