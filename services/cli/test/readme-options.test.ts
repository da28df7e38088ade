/** The README's option tables list every flag and environment variable the commands read. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/cli.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

/** Whether `text` names the whole flag: `--kafka-tls` is not named by `--kafka-tls-ca`. */
const named = (flag: string, text: string): boolean => new RegExp(`--${flag}(?![\\w-])`).test(text);

describe("the whole-flag match", () => {
  it("does not take a longer flag for a shorter one", () => {
    expect(named("kafka-tls", "`--kafka-tls-ca`")).toBe(false);
    expect(named("kafka-tls", "`--kafka-tls`, `--kafka-tls-ca`")).toBe(true);
    expect(named("rate", "--rate=50")).toBe(true);
  });
});

describe("the README", () => {
  it("names every command's flags and environment variables", async () => {
    const missing: string[] = [];
    for (const [command, load] of Object.entries(COMMANDS)) {
      for (const s of (await load()).options) {
        if (s.flag === "help") continue;
        const negated = s.type === "bool" && named(`no-${s.flag}`, readme);
        if (!named(s.flag, readme) && !negated) missing.push(`${command} --${s.flag}`);
        if (s.env !== undefined && !new RegExp(`\`[^\`]*\\b${s.env}\\b`).test(readme)) missing.push(`${command} ${s.env}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it("names the local brokers' port variables and the commands", () => {
    for (const v of ["KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "NATS_PORT", "meetuphype status", "--print-config", "--version"])
      expect(readme).toContain(v);
  });
});
