import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "@meetuphype/testkit";

describe("run --dead-letter", () => {
  it("writes each rejected line with its reason and loses no good record", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mh-dlq-"));
    const file = join(dir, "dead.jsonl");
    const good = (id: number): string =>
      JSON.stringify({
        rsvp_id: id,
        mtime: 1_600_000_000_000 + id,
        response: "yes",
        group: { group_topics: [{ urlkey: "js", topic_name: "JS" }] },
      });
    const huge = JSON.stringify({ rsvp_id: 9, mtime: 1, pad: "x".repeat(1024 * 1024) });
    const input = [good(1), "{", good(2), JSON.stringify({ rsvp_id: 3, mtime: 5, guests: 2000 }), huge, good(3), ""].join("\n");
    const res = await runCli(["run", "--once", "--json", "--input", "-", "--dead-letter", file], { stdin: input });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as {
      topics: { key: string; score: number }[];
      stats: { accepted: number; rejected: Record<string, number> };
    };
    expect(out.stats.accepted).toBe(3);
    expect(out.stats.rejected).toEqual({ invalid_json: 1, invalid_guests: 1, line_too_large: 1 });
    expect(out.topics).toEqual([{ rank: 1, key: "js", name: "JS", score: 3 }]);
    const dead = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { reason: string; line: string; detail: string });
    expect(dead.map((d) => d.reason)).toEqual(["invalid_json", "invalid_guests", "line_too_large"]);
    expect(dead[0]?.line).toBe("{");
    expect(dead.every((d) => d.detail.length > 0)).toBe(true);
  });
});
