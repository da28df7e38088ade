import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseOptions } from "@meetuphype/config";
import { repoRoot } from "@meetuphype/testkit";
import { CLUSTER_OPTIONS, childEnv, clusterAddresses, clusterPlan, healthPortsFrom } from "../src/commands/cluster.js";
import { SERVICE_NODE_OPTIONS } from "../src/node-options.js";

describe("meetuphype cluster's plan", () => {
  it("starts every replica asked for, each with its own health port, and says where each one listens", () => {
    const { values } = parseOptions(CLUSTER_OPTIONS, ["--counters", "2", "--grpc-port", "50099", "--http-port", "8099"], {});
    const plan = clusterPlan(values, [9001, 9002, 9003, 9004, 9005, 9006, 9007]);
    expect(plan.map((c) => [c.name, c.args.join(" "), c.healthPort])).toEqual([
      ["aggregator", "aggregator", 9001],
      ["counter-1", "counter", 9002],
      ["counter-2", "counter", 9003],
      ["dedup-1", "dedup", 9004],
      ["ingest-1", "ingest", 9005],
      ["producer", "produce", 9006],
      ["board", "board --addr 127.0.0.1:50099", 9007],
    ]);
    expect(clusterAddresses(plan).split("\n")).toEqual([
      "  aggregator  gRPC 127.0.0.1:50099; health and metrics http://127.0.0.1:9001/metrics",
      "  counter-1   health and metrics http://127.0.0.1:9002/metrics",
      "  counter-2   health and metrics http://127.0.0.1:9003/metrics",
      "  dedup-1     health and metrics http://127.0.0.1:9004/metrics",
      "  ingest-1    health and metrics http://127.0.0.1:9005/metrics",
      "  producer    health and metrics http://127.0.0.1:9006/metrics",
      "  board       the board http://localhost:8099/; health and metrics http://127.0.0.1:9007/metrics",
    ]);
  });

  it("leaves out the producer and the board when asked, and needs a port per child", () => {
    const { values } = parseOptions(CLUSTER_OPTIONS, ["--no-producer", "--no-board", "--dedups", "0"], {});
    expect(clusterPlan(values, [1, 2, 3]).map((c) => c.name)).toEqual(["aggregator", "counter-1", "ingest-1"]);
    expect(() => clusterPlan(values, [1, 2])).toThrow(/no health port for ingest-1/);
  });

  it("never gives a child's health server the gRPC or board port, though they are free when the ports are picked", () => {
    // A CI run: a health server took the board's port, and /api/trending answered 404 with no body.
    expect(healthPortsFrom([41001, 8099, 41002, 50099, 41003], [50099, 8099], 3)).toEqual([41001, 41002, 41003]);
    expect(() => healthPortsFrom([41001, 8099], [50099, 8099], 2)).toThrow(/2 ports asked, 1 free/);
  });

  it("runs its children with the services' Node options, as the image does, after none or before the user's own", () => {
    const { values } = parseOptions(CLUSTER_OPTIONS, [], {});
    expect(childEnv(values, { PATH: "/bin" }).NODE_OPTIONS).toBe(SERVICE_NODE_OPTIONS);
    // Node reads NODE_OPTIONS in order: a semi-space size the user set comes last and wins.
    expect(childEnv(values, { NODE_OPTIONS: " --max-semi-space-size=16 --enable-source-maps " }).NODE_OPTIONS).toBe(
      "--max-semi-space-size=64 --max-semi-space-size=16 --enable-source-maps",
    );
    const dockerfile = readFileSync(`${repoRoot}/Dockerfile`, "utf8");
    expect(dockerfile).toContain(`\nENV NODE_OPTIONS=${SERVICE_NODE_OPTIONS}\n`);
  });
});
