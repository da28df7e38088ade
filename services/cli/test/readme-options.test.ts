/** The README's option tables list every flag and environment variable the commands read. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMAND_OPTIONS } from "../src/cli.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

describe("the README", () => {
  it("names every command's flags and environment variables", () => {
    const missing: string[] = [];
    for (const [command, specs] of Object.entries(COMMAND_OPTIONS)) {
      for (const s of specs) {
        if (s.flag === "help") continue;
        if (!readme.includes(`--${s.flag}`)) missing.push(`${command} --${s.flag}`);
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
