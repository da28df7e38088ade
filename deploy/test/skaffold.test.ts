/** skaffold.yaml validates against Skaffold's published schema for its apiVersion, and every path it names exists. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { referenceDir, repoRoot } from "@meetuphype/testkit";

interface SkaffoldConfig {
  apiVersion: string;
  build?: { artifacts?: { image: string; context?: string; docker?: { dockerfile?: string } }[] };
  manifests?: { kustomize?: { paths?: string[] } };
  profiles?: { name: string; manifests?: { kustomize?: { paths?: string[] } } }[];
  portForward?: { resourceType: string; resourceName: string; port: number; localPort?: number }[];
}

const config = parse(readFileSync(join(repoRoot, "skaffold.yaml"), "utf8")) as SkaffoldConfig;

describe("skaffold.yaml", () => {
  it("validates against the published schema of its apiVersion", () => {
    const version = config.apiVersion.replace(/^skaffold\//, "");
    expect(["v4beta13", "v4beta14"]).toContain(version);
    const schema = JSON.parse(readFileSync(join(referenceDir(), "schemas", `skaffold-${version}.json`), "utf8")) as object;
    // The published schema carries editor-only keywords (x-intellij-*), hence strict: false.
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("rejects a config the schema forbids (the check can fail)", () => {
    const version = config.apiVersion.replace(/^skaffold\//, "");
    const schema = JSON.parse(readFileSync(join(referenceDir(), "schemas", `skaffold-${version}.json`), "utf8")) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ ...config, build: { artifacts: [{ image: 42 }] } })).toBe(false);
  });

  it("names only paths that exist", () => {
    const paths = [
      ...(config.build?.artifacts ?? []).map((a) => join(a.context ?? ".", a.docker?.dockerfile ?? "Dockerfile")),
      ...(config.manifests?.kustomize?.paths ?? []),
      ...(config.profiles ?? []).flatMap((p) => p.manifests?.kustomize?.paths ?? []),
    ];
    expect(paths.length).toBeGreaterThanOrEqual(3);
    for (const p of paths) expect(existsSync(join(repoRoot, p)), p).toBe(true);
  });

  it("forwards the aggregator's gRPC port to localhost:50051 and has a profile for existing brokers", () => {
    expect(config.portForward).toContainEqual({ resourceType: "service", resourceName: "aggregator", port: 50051, localPort: 50051 });
    expect(config.profiles?.map((p) => p.name)).toContain("external");
  });
});
