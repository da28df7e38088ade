import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientAddresses, clusterNodes, documentedPorts, envExports, kraftLeader } from "../src/cluster.js";

describe("an N-node local setup", () => {
  it("has the documented ports: Kafka steps by two (broker, controller), NATS by one", () => {
    expect(documentedPorts(3)).toEqual({
      kafka: [9092, 9094, 9096],
      controller: [9093, 9095, 9097],
      nats: [4222, 4223, 4224],
      route: [6222, 6223, 6224],
    });
    expect(documentedPorts(1, { kafka: 19092, controller: 19093, nats: 14222, route: 16222 })).toEqual({
      kafka: [19092],
      controller: [19093],
      nats: [14222],
      route: [16222],
    });
  });

  it("names each server and gives it its own folder; one node keeps the single-node folders", () => {
    const three = clusterNodes("/d", documentedPorts(3));
    expect(three.map((n) => `${n.name}:${n.port}:${n.dir}`)).toEqual([
      "kafka-1:9092:/d/kafka-1",
      "kafka-2:9094:/d/kafka-2",
      "kafka-3:9096:/d/kafka-3",
      "nats-1:4222:/d/nats-1",
      "nats-2:4223:/d/nats-2",
      "nats-3:4224:/d/nats-3",
    ]);
    expect(clusterNodes("/d", documentedPorts(1)).map((n) => n.dir)).toEqual(["/d/kafka", "/d/nats"]);
  });

  it("gives clients every node as a seed, and a shell lines it can eval", () => {
    const a = clientAddresses(documentedPorts(3));
    expect(a).toEqual({
      kafkaBrokers: "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096",
      natsUrl: "nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224",
    });
    expect(envExports(a)).toBe(
      "export KAFKA_BROKERS=127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096\n" +
        "export NATS_URL=nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224\n",
    );
  });
});

describe("kraftLeader", () => {
  it("names the active controller of the highest epoch any Kafka node wrote down, and nothing when none did", () => {
    const dir = mkdtempSync(join(tmpdir(), "mh-kraft-"));
    try {
      const nodes = clusterNodes(dir, { kafka: [1, 2, 3], controller: [4, 5, 6], nats: [7, 8, 9], route: [10, 11, 12] });
      expect(kraftLeader(nodes)).toBeUndefined();
      const write = (name: string, state: object): void => {
        const node = nodes.find((n) => n.name === name)!;
        mkdirSync(join(node.dir, "data", "__cluster_metadata-0"), { recursive: true });
        writeFileSync(join(node.dir, "data", "__cluster_metadata-0", "quorum-state"), JSON.stringify(state));
      };
      write("kafka-1", { leaderId: 2, leaderEpoch: 5 });
      write("kafka-2", { leaderId: 3, leaderEpoch: 6 });
      write("kafka-3", { leaderId: -1, leaderEpoch: 7 });
      expect(kraftLeader(nodes)).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
