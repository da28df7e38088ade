import { describe, expect, it } from "vitest";
import { Freshness } from "../src/freshness.js";

describe("Freshness", () => {
  it("is not serving before the first complete ranking, and names the silent shards", () => {
    const f = new Freshness(3, 3000, 10_000);
    f.answered(0, 100);
    const s = f.state(200);
    expect(s).toMatchObject({ stale: false, serving: false });
    expect(s.reason).toContain("not answering: 1,2");
  });

  it("serves a fresh ranking, marks it stale when shards go silent, and stops serving later", () => {
    const f = new Freshness(2, 3000, 10_000);
    f.answered(0, 1000);
    f.answered(1, 1000);
    f.complete(1000);
    expect(f.state(3000)).toEqual({ stale: false, serving: true });
    f.answered(0, 4000);
    const stale = f.state(5000);
    expect(stale).toMatchObject({ stale: true, serving: true });
    expect(stale.reason).toContain("not answering: 1");
    expect(f.state(11_001)).toMatchObject({ stale: true, serving: false });
    f.answered(1, 11_500);
    f.complete(11_500);
    expect(f.state(12_000)).toEqual({ stale: false, serving: true });
  });

  it("names why rounds do not rank when every shard answers", () => {
    const f = new Freshness(2, 3000, 10_000);
    f.answered(0, 1000);
    f.answered(1, 1000);
    f.complete(1000);
    f.answered(0, 4500);
    f.answered(1, 4500);
    expect(f.state(5000).reason).toContain("answer, but not to the same request");
    expect(f.state(5000, "counter shards 1 have counted past the cut asked").reason).toContain(
      "(counter shards 1 have counted past the cut asked)",
    );
  });
});
