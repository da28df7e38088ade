import { describe, expect, it } from "vitest";
import { overlappingTenures, tenures } from "../src/ownership-log.js";

const line = (t: string, what: string, fields: string) => `2026-11-30T10:00:${t}Z debug ${what} service="counter" ${fields}`;

describe("ownership tenures from logs", () => {
  it("accepts a hand-over and a takeover after a lapse, and reports an overlap", () => {
    const a = [
      line("01.000", "took shard", 'kind="counter" shard=3 epoch=1'),
      line("05.000", "stopped acting for a shard: handed over", 'kind="counter" shard=3 epoch=1'),
      line("10.000", "took shard", 'kind="counter" shard=4 epoch=1'),
      line(
        "30.000",
        "stopped acting for a shard: lease lost",
        'kind="counter" shard=4 epoch=1 actingUntil="2026-11-30T10:00:14.000Z" why="x"',
      ),
    ].join("\n");
    const b = [
      line("05.100", "took shard", 'kind="counter" shard=3 epoch=2'),
      line("20.000", "took shard", 'kind="counter" shard=4 epoch=2'),
    ].join("\n");
    const ok = tenures([
      { label: "a", stderr: a, endedAt: undefined },
      { label: "b", stderr: b, endedAt: Date.parse("2026-11-30T10:01:00Z") },
    ]);
    expect(ok).toHaveLength(4);
    expect(overlappingTenures(ok)).toEqual([]);
    const c = line("04.000", "took shard", 'kind="counter" shard=3 epoch=9');
    const bad = tenures([
      { label: "a", stderr: a, endedAt: undefined },
      { label: "c", stderr: c, endedAt: undefined },
    ]);
    expect(overlappingTenures(bad)).toHaveLength(1);
  });
});
