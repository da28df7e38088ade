import { describe, expect, it } from "vitest";
import { bool, ConfigError, num, optionHelp, parseOptions, str, type OptionSpec } from "../src/index.js";

const SPECS = [
  { flag: "kafka-tls", env: "KAFKA_TLS", type: "bool", default: false, help: "TLS to Kafka" },
  { flag: "kafka-tls-ca", env: "KAFKA_TLS_CA", type: "string", help: "CA file" },
  {
    flag: "top-n",
    env: "TOP_N",
    type: "int",
    default: 20,
    help: "ranking size",
    check: (n: number) => (n < 1 ? "must be positive" : undefined),
  },
  { flag: "decay", env: "DECAY", type: "number", default: 1, help: "decay" },
  { flag: "input", short: "i", type: "string", help: "file to read" },
  { flag: "console", env: "CONSOLE", type: "bool", default: true, help: "print rankings" },
  { flag: "format", env: "FORMAT", type: "string", default: "text", choices: ["text", "json"], help: "output" },
] as const satisfies readonly OptionSpec[];

const parse = (argv: string[], env: Record<string, string> = {}) => parseOptions(SPECS, argv, env);

describe("parseOptions", () => {
  it("takes flags over the environment over defaults, and says where each value came from", () => {
    const { values, sources } = parse(["--top-n", "7"], { TOP_N: "5", DECAY: "2.5" });
    expect(values).toEqual({ "kafka-tls": false, "top-n": 7, decay: 2.5, console: true, format: "text" });
    expect(sources).toMatchObject({ "top-n": "flag", decay: "env", "kafka-tls": "default", input: "default" });
  });

  it("reads the environment only from the map it is given", () => {
    process.env.TOP_N = "9";
    try {
      expect(parse([]).values["top-n"]).toBe(20);
    } finally {
      delete process.env.TOP_N;
    }
  });

  it("reads --flag=value, short flags, negative numbers and --no- for booleans", () => {
    expect(parse(["--decay=-0.5", "-i", "f.jsonl", "--no-console"]).values).toMatchObject({
      decay: -0.5,
      input: "f.jsonl",
      console: false,
    });
    expect(parse(["--decay", "-1"]).values.decay).toBe(-1);
    expect(parse(["--no-console"], { CONSOLE: "true" }).sources.console).toBe("flag");
  });

  it("takes a value for a boolean after =, as the environment does", () => {
    expect(parse(["--console=false"]).values.console).toBe(false);
    expect(parse(["--kafka-tls=yes"]).values["kafka-tls"]).toBe(true);
    expect(parse(["--no-console=false"]).values.console).toBe(true);
    expect(() => parse(["--console=maybe"])).toThrow(/--console \(CONSOLE\) must be true or false/);
  });

  it("leaves an option's value alone even when it looks like a boolean flag", () => {
    expect(parse(["--input", "--console=false"]).values).toMatchObject({ input: "--console=false", console: true });
  });

  it("matches whole flags only: --kafka-tls is not --kafka-tls-ca", () => {
    expect(parse(["--kafka-tls-ca", "ca.pem"]).values).toMatchObject({ "kafka-tls": false, "kafka-tls-ca": "ca.pem" });
    expect(() => parse(["--kafka-tl"])).toThrow(/unknown option --kafka-tl \(did you mean --kafka-tls\?\)/);
  });

  it("returns positional arguments, and everything after --", () => {
    expect(parse(["a", "--top-n", "3", "b", "--", "--decay", "-"]).positionals).toEqual(["a", "b", "--decay", "-"]);
  });

  it.each([
    [["--bogus"], {}, /^unknown option --bogus \(see --help\)$/],
    [["--input"], {}, /^--input needs a value$/],
    [["--top-n", "x"], {}, /^--top-n \(TOP_N\) must be an integer, got "x"$/],
    [["--top-n", "0"], {}, /^--top-n \(TOP_N\) must be positive, got 0$/],
    [[], { TOP_N: "0" }, /^TOP_N \(--top-n\) must be positive, got 0$/],
    [[], { DECAY: "fast" }, /^DECAY \(--decay\) must be a number, got "fast"$/],
  ])("refuses %j %j with a ConfigError naming the setting", (argv, env, message) => {
    expect(() => parse(argv, env)).toThrow(ConfigError);
    expect(() => parse(argv, env)).toThrow(message);
  });

  it("ignores an unusable environment value when the flag is given", () => {
    expect(parse(["--top-n", "3"], { TOP_N: "many" }).values["top-n"]).toBe(3);
  });
});

describe("typed values", () => {
  it("types each value by its table: a choice as its union, and a flag not in the table does not compile", () => {
    const { values: v } = parse(["--format", "json", "--top-n", "4"]);
    const format: "text" | "json" | undefined = str(v, "format");
    const topN: number = num(v, "top-n");
    const tls: boolean = bool(v, "kafka-tls");
    expect([format, topN, tls]).toEqual(["json", 4, false]);
    // @ts-expect-error: no such option in the table
    expect(num(v, "top")).toBeNaN();
    // @ts-expect-error: a string option is not read as a number
    expect(num(v, "input")).toBeNaN();
  });

  it("refuses a value outside the choices, from a flag or the environment", () => {
    expect(() => parse(["--format", "yaml"])).toThrow(/^--format \(FORMAT\) must be one of text, json, got "yaml"$/);
    expect(() => parse([], { FORMAT: "xml" })).toThrow(/^FORMAT \(--format\) must be one of text, json, got "xml"$/);
  });
});

describe("optionHelp", () => {
  it("shows each flag with its value, default and environment variable", () => {
    const help = optionHelp(SPECS);
    expect(help).toMatch(/--top-n <int> +ranking size \(default 20\) \[env TOP_N\]/);
    expect(help).toMatch(/-i, --input <value> +file to read$/m);
  });
});
