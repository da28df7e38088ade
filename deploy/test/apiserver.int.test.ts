/**
 * The manifests against a real kube-apiserver (v1.31, on etcd): both overlays pass
 * strict server-side validation and apply; `kubectl scale` is accepted, and a later
 * `kubectl apply` (client- or server-side, as skaffold does) keeps the scaled count.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findApiServer, repoRoot, startApiServer, type ApiServer } from "@meetuphype/testkit";

const bins = findApiServer();
const kustomize = (overlay: string): string =>
  execFileSync("kubectl", ["kustomize", join(repoRoot, "deploy", "overlays", overlay)], { encoding: "utf8" });
let api: ApiServer | undefined;

beforeAll(async () => {
  if (typeof bins !== "string") api = await startApiServer(bins);
}, 90_000);

afterAll(async () => {
  await api?.stop();
});

describe.skipIf(typeof bins === "string")(`a real kube-apiserver${typeof bins === "string" ? ` (skipped: ${bins})` : ""}`, () => {
  const ok = (r: { code: number | null; stdout: string; stderr: string }): string => {
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  it.each(["dev", "external", "e2e", "dev-monitoring", "secure", "ha", "e2e-ha"])(
    "accepts overlay %s with strict server-side validation",
    (overlay) => {
      let yaml = kustomize(overlay);
      const ns = `check-${overlay}`;
      ok(api!.kubectl(["create", "namespace", ns]));
      if (overlay === "dev-monitoring") {
        // The ServiceMonitor kind comes from the Prometheus Operator's CRD, which this server has not: it must
        // refuse it by name; everything else is checked like the other overlays.
        const r = api!.kubectl(["apply", "-n", ns, "--server-side", "--validate=strict", "--dry-run=server", "-f", "-"], yaml);
        expect(r.stderr).toMatch(/no matches for kind "ServiceMonitor"/);
        yaml = yaml
          .split(/^---$/m)
          .filter((doc) => !/^kind: ServiceMonitor$/m.test(doc))
          .join("---");
      }
      const out = ok(api!.kubectl(["apply", "-n", ns, "--server-side", "--validate=strict", "-f", "-"], yaml));
      for (const d of ["aggregator", "counter", "dedup", "ingest"]) expect(out).toContain(`deployment.apps/${d} serverside-applied`);
    },
  );

  it.each([
    ["client-side", []],
    ["server-side", ["--server-side"]],
  ])("keeps a `kubectl scale` through a later %s apply", (mode, flags) => {
    const yaml = kustomize("dev");
    const ns = `scale-${mode}`;
    ok(api!.kubectl(["create", "namespace", ns]));
    const apply = (): string => ok(api!.kubectl(["apply", "-n", ns, ...flags, "-f", "-"], yaml));
    const replicas = (d: string): string => ok(api!.kubectl(["get", "-n", ns, `deployment/${d}`, "-o", "jsonpath={.spec.replicas}"]));
    apply();
    expect([replicas("counter"), replicas("dedup"), replicas("ingest")]).toEqual(["1", "1", "1"]);
    ok(api!.kubectl(["scale", "-n", ns, "deployment/counter", "--replicas=4"]));
    ok(api!.kubectl(["scale", "-n", ns, "deployment/dedup", "--replicas=3"]));
    apply();
    expect([replicas("counter"), replicas("dedup")]).toEqual(["4", "3"]);
    ok(api!.kubectl(["scale", "-n", ns, "deployment/counter", "--replicas=1"]));
    apply();
    expect(replicas("counter")).toBe("1");
  });
});
