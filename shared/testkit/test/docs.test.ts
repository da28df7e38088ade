/** The contract kept in docs/ is the one handed to the project in ../shared/docs. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { referenceDir, repoRoot } from "../src/index.js";

describe("docs/trending-model.md", () => {
  it("is the same text as the reference contract", () => {
    const ours = readFileSync(join(repoRoot, "docs", "trending-model.md"), "utf8");
    const theirs = readFileSync(join(referenceDir(), "docs", "trending-model.md"), "utf8");
    expect(ours).toBe(theirs);
  });
});
