import { describe, expect, it } from "vitest";
import { emptySnapshot, SnapshotHub } from "../src/index.js";

describe("SnapshotHub", () => {
  it("regression: a hub made with null serves nothing until the first ranking (undefined took the empty default)", () => {
    expect(new SnapshotHub(null).snapshot).toBeUndefined();
    expect(new SnapshotHub().snapshot).toBe(emptySnapshot);
  });
});
