import { describe, expect, it } from "vitest";
import { ConfigError } from "@meetuphype/config";
import { runConfig, watchConfig } from "../src/config.js";

describe("runConfig", () => {
  it("uses the model's defaults", () => {
    const c = runConfig([], {});
    expect(c.params).toEqual({ topN: 20, windowDays: 1, decay: 1, idleMinutes: 70, includeEventNames: false, clock: "event" });
    expect(c.grpcPort).toBe(50051);
    expect(c.emitIntervalMs).toBe(1000);
    expect(c.parseThreads).toBe(2);
    expect(runConfig(["--parse-threads", "3"], { PARSE_THREADS: "1" }).parseThreads).toBe(3);
  });

  it("takes environment variables, and flags over them", () => {
    const env = { TOP_N: "5", DECAY: "2", INCLUDE_EVENT_NAMES: "true", GRPC_PORT: "7000" };
    const c = runConfig(["--top-n", "7", "--window-days=2", "--idle-minutes", "30"], env);
    expect(c.params).toMatchObject({ topN: 7, decay: 2, windowDays: 2, idleMinutes: 30, includeEventNames: true });
    expect(c.grpcPort).toBe(7000);
    expect(runConfig(["--no-include-event-names"], env).params.includeEventNames).toBe(false);
  });

  it.each([
    [["--top-n", "abc"], {}, /--top-n \(TOP_N\) must be an integer/],
    [["--top-n", "0"], {}, /--top-n \(TOP_N\) must be an integer in \[1, 10000\]/],
    [[], { TOP_N: "0" }, /TOP_N \(--top-n\) must be an integer in \[1, 10000\]/],
    [["--decay", "-1"], {}, /--decay \(DECAY\) must be a number in \[0, 100\]/],
    [["--clock", "wall"], {}, /--clock \(CLOCK\) must be one of event, processing/],
    [[], { INCLUDE_EVENT_NAMES: "maybe" }, /INCLUDE_EVENT_NAMES \(--include-event-names\) must be true or false/],
    [["--parse-threads", "0"], {}, /--parse-threads \(PARSE_THREADS\) must be an integer in \[1, 16\]/],
    [["--bogus"], {}, /unknown option --bogus/],
    [["--input"], {}, /--input needs a value/],
  ])("rejects %j %j with a message naming the setting", (argv, env, message) => {
    expect(() => runConfig(argv, env)).toThrow(ConfigError);
    expect(() => runConfig(argv, env)).toThrow(message);
  });
});

describe("run's source", () => {
  const kafkaEnv = { KAFKA_BROKERS: "k:9092" };
  it("is chosen on the command line: --input or --count win over an exported KAFKA_BROKERS", () => {
    expect(runConfig(["--input", "f.jsonl"], kafkaEnv)).toMatchObject({ input: "f.jsonl", kafka: undefined });
    expect(runConfig(["--count", "100"], kafkaEnv)).toMatchObject({ input: undefined, kafka: undefined, count: 100 });
    expect(runConfig([], kafkaEnv).kafka?.brokers).toEqual(["k:9092"]);
    expect(runConfig(["--kafka-brokers", "a:1,b:2"], { INPUT: "f.jsonl" })).toMatchObject({ kafka: { brokers: ["a:1", "b:2"] } });
    expect(runConfig([], { ...kafkaEnv, COUNT: "5" }).kafka?.brokers).toEqual(["k:9092"]);
  });

  it("refuses two sources given at one level, naming them", () => {
    expect(() => runConfig(["--input", "f", "--kafka-brokers", "k:1"], {})).toThrow(/--input and --kafka-brokers are exclusive/);
    expect(() => runConfig(["--count", "5", "--kafka-brokers", "k:1"], {})).toThrow(/--count is for the synthetic source/);
    expect(() => runConfig([], { ...kafkaEnv, INPUT: "f" })).toThrow(/INPUT and KAFKA_BROKERS are both set/);
  });
});

describe("watchConfig", () => {
  it("defaults to localhost:50051 and the server's topN", () => {
    expect(watchConfig([], {})).toEqual({
      addr: "localhost:50051",
      limit: 0,
      once: false,
      timeoutMs: 10_000,
      json: false,
      retries: -1,
      help: false,
    });
    expect(watchConfig(["--addr", "h:1", "--limit", "3", "--once", "--json"], {})).toMatchObject({
      addr: "h:1",
      limit: 3,
      once: true,
      json: true,
    });
  });
});
