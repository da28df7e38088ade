/**
 * `npm ci` on the oldest Node the README promises prints no EBADENGINE: every locked package
 * accepts the minimum of the root `engines.node`, and every workspace declares the same range.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import semver from "semver";

const root = new URL("../../../", import.meta.url);
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(path, root), "utf8")) as Record<string, unknown>;

describe("the Node version the project promises", () => {
  const engines = (json("package.json").engines as { node: string }).node;
  const oldest = semver.minVersion(engines)?.version ?? "";

  it("is one every locked package accepts", () => {
    expect(oldest).toBe("20.19.0");
    const packages = json("package-lock.json").packages as Record<string, { engines?: { node?: string } | string[] }>;
    const refusing = Object.entries(packages)
      .map(([path, p]) => [path, !Array.isArray(p.engines) ? p.engines?.node : undefined] as const)
      .filter(([, range]) => typeof range === "string" && !semver.satisfies(oldest, range))
      .map(([path, range]) => `${path} wants node ${range}`);
    expect(refusing).toEqual([]);
  });

  it("is the README's", () => {
    const v = semver.parse(oldest);
    expect(readFileSync(new URL("README.md", root), "utf8")).toContain(`Node.js ≥ ${v?.major}.${v?.minor}`);
  });
});
