import { describe, expect, it } from "vitest";
import { ConfigError } from "@meetuphype/config";
import { producerConfig } from "../src/index.js";

describe("producerConfig", () => {
  it("defaults to the synthetic source at 50 records/s, against infra:up's broker", () => {
    const c = producerConfig([], {});
    expect(c.source).toEqual({ kind: "synthetic", seed: 1, rate: 50, count: 0 });
    expect(c.brokers).toEqual(["127.0.0.1:9092"]);
    expect(c.topic).toBe("meetup");
  });

  it("reads a file as fast as possible, or paced by --speedup or --rate", () => {
    expect(producerConfig(["--input", "f.jsonl"], {}).source).toEqual({
      kind: "file",
      path: "f.jsonl",
      speedup: undefined,
      rate: undefined,
    });
    expect(producerConfig(["--input", "-", "--speedup", "10"], {}).source).toMatchObject({ kind: "file", path: "-", speedup: 10 });
    expect(producerConfig([], { SOURCE_URL: "http://h/s", KAFKA_BROKERS: "a:1,b:2" })).toMatchObject({
      source: { kind: "url", url: "http://h/s" },
      brokers: ["a:1", "b:2"],
    });
  });

  it.each([
    [["--input", "f", "--url", "http://x"], /exclusive/],
    [["--input", "f", "--speedup", "2", "--rate", "5"], /exclusive/],
    [["--speedup", "2"], /--speedup needs --input/],
    [["--rate", "0"], /--rate \(RATE\) must be a number/],
  ])("refuses %j", (argv, message) => {
    expect(() => producerConfig(argv, {})).toThrow(ConfigError);
    expect(() => producerConfig(argv, {})).toThrow(message);
  });
});
