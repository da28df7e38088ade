import { describe, expect, it } from "vitest";
import { commandLogger, createLogger } from "../src/index.js";

describe("the loggers", () => {
  it("write text lines by default: time, level, message, key=value fields", () => {
    const lines: string[] = [];
    const log = createLogger("info", "text", (l) => lines.push(l)).child({ service: "dedup" });
    log.debug("hidden");
    log.warn("retrying", { attempt: 2, err: new Error("boom") });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z warn retrying service="dedup" attempt=2 err="boom"$/);
  });

  it("write one JSON object a line with LOG_FORMAT=json, with the same fields", () => {
    const lines: string[] = [];
    const log = createLogger("debug", "json", (l) => lines.push(l)).child({ service: "ingest" });
    log.debug("took shard", { shard: 3 });
    log.error("failed", { err: Object.assign(new Error("refused"), { code: "E1" }) });
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toMatchObject({ level: "debug", msg: "took shard", service: "ingest", shard: 3 });
    expect(String(a?.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(b).toMatchObject({ level: "error", msg: "failed", err: { message: "refused", code: "E1" } });
    expect(lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  it("never write a password or token of a URL, in either format", () => {
    for (const format of ["text", "json"] as const) {
      const lines: string[] = [];
      const log = createLogger("info", format, (l) => lines.push(l));
      log.warn("waiting for NATS at nats://alice:hunter2@h:4222", { url: "nats://s3cr3t-token@h2:4222,nats://bob:pw@h3:1" });
      expect(lines.join("\n")).not.toMatch(/hunter2|s3cr3t-token|:pw@/);
      expect(lines.join("\n")).toContain("nats://alice:****@h:4222");
      expect(lines.join("\n")).toContain("nats://****@h2:4222");
      if (format === "json") expect(() => JSON.parse(lines[0] ?? "") as unknown).not.toThrow();
    }
  });

  it("write nothing at level silent", () => {
    const lines: string[] = [];
    createLogger("silent", "json", (l) => lines.push(l)).error("x");
    expect(lines).toEqual([]);
  });
  it("gives a command its configured level and format on standard error, one line each, with the service's fields", () => {
    let out = "";
    const stderr = { write: (s: string) => (out += s) };
    const log = commandLogger({ logLevel: "warn", logFormat: "json" }, stderr, { service: "board" });
    log.info("not at warn");
    log.warn("upstream gone", { addr: "a:1" });
    expect(out.endsWith("\n")).toBe(true);
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ level: "warn", msg: "upstream gone", service: "board", addr: "a:1" });
  });
});
