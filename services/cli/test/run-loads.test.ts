/**
 * `meetuphype run --once` on a file loads no broker client, gRPC or metrics library: they are
 * loaded when used (--kafka-brokers, serving, --metrics-port), so the command starts in about a
 * fifth of a second instead of half a second. A preloaded script lists what the process loaded.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SyntheticSource } from "@meetuphype/pipeline";
import { runCli } from "@meetuphype/testkit";

const hook = fileURLToPath(new URL("./fixtures/loaded-packages.cjs", import.meta.url));

function loadedPackages(stderr: string): string[] {
  const line = stderr.split("\n").find((l) => l.startsWith("loaded-packages: "));
  if (line === undefined) throw new Error(`the preloaded script wrote nothing; stderr: ${stderr}`);
  return JSON.parse(line.slice("loaded-packages: ".length)) as string[];
}

describe("run --once on a file", () => {
  it("loads neither Kafka, NATS, gRPC nor prom-client, and still ranks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "run-loads-"));
    const file = join(dir, "in.jsonl");
    const source = new SyntheticSource({ seed: 3 });
    writeFileSync(file, Array.from({ length: 200 }, () => `${source.next()}\n`).join(""));
    const res = await runCli(["run", "--input", file, "--once", "--json", "--no-progress"], {
      env: { NODE_OPTIONS: `--require ${hook}` },
    });
    expect(res.code).toBe(0);
    expect((JSON.parse(res.stdout) as { stats: { lines: number } }).stats.lines).toBe(200);
    const loaded = loadedPackages(res.stderr);
    expect(loaded).toContain("pino"); // the script saw the packages the command does load
    for (const absent of ["kafkajs", "nats", "@grpc/grpc-js", "prom-client"]) expect(loaded).not.toContain(absent);
  });
});
