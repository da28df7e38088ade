/**
 * The monitoring component: the ServiceMonitor reaches every service's health port
 * through the metrics Service, and the Grafana dashboard queries only metrics the
 * services export.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Service } from "kubernetes-models/v1";
import { createMetrics } from "@meetuphype/metrics";
import { podSpec, render, type K8sObject } from "./render.js";

const objs = render("dev-monitoring");
const find = (kind: string, name: string): K8sObject => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind}/${name}`);
  return o;
};
const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe("the monitoring component", () => {
  it("scrapes every service's /metrics on its health port through the metrics Service", () => {
    const svc = find("Service", "meetuphype-metrics") as K8sObject & {
      spec: { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
    };
    expect(() => new Service(svc as never).validate()).not.toThrow();
    const sm = find("ServiceMonitor", "meetuphype") as K8sObject & {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string }[] };
    };
    expect(sm.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(matches(sm.spec.selector.matchLabels, svc.metadata.labels)).toBe(true);
    expect(sm.spec.endpoints.map((e) => [e.port, e.path])).toEqual([["health", "/metrics"]]);
    expect(svc.spec.ports.map((p) => p.name)).toContain("health");

    const deployments = objs.filter((o) => o.kind === "Deployment");
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["aggregator", "board", "counter", "dedup", "ingest", "producer"]);
    for (const d of deployments) {
      const template = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      expect(matches(svc.spec.selector, template.metadata.labels), d.metadata.name).toBe(true);
      const ports = podSpec(d).containers.flatMap((c) => (c as { ports?: { name: string }[] }).ports ?? []);
      expect(
        ports.map((p) => p.name),
        d.metadata.name,
      ).toContain("health");
    }
    // The brokers of the dev overlay are not ours to scrape.
    for (const s of objs.filter((o) => o.kind === "StatefulSet")) {
      const template = (s.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      expect(matches(svc.spec.selector, template.metadata.labels), s.metadata.name).toBe(false);
    }
  });

  it("ships a Grafana dashboard that queries only metrics the services export", async () => {
    const cm = find("ConfigMap", "meetuphype-dashboard");
    expect(cm.metadata.labels?.grafana_dashboard).toBe("1");
    const dashboard = JSON.parse(cm.data?.["meetuphype.json"] ?? "") as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard).toEqual(JSON.parse(readFileSync(new URL("../components/monitoring/dashboard.json", import.meta.url), "utf8")));
    const exported = new Set((await createMetrics("test").registry.getMetricsAsJSON()).map((m) => m.name));
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(meetuphype|process)_[a-z_]+/g) ?? []));
    const unknown = used.map((n) => n.replace(/_bucket$/, "")).filter((n) => !exported.has(n));
    expect(unknown).toEqual([]);
    for (const m of ["meetuphype_records_total", "meetuphype_kafka_consumer_lag", "meetuphype_rejected_total", "meetuphype_shards_owned"])
      expect(used, m).toContain(m);
  });
});
