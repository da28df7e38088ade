/**
 * Every rendered object validates against the Kubernetes OpenAPI schema (via
 * kubernetes-models), our Deployments follow the platform conventions, and the
 * environment variables the manifests set are exactly ones the services read.
 */
import { describe, expect, it } from "vitest";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { AGGREGATOR_OPTIONS } from "@meetuphype/aggregator";
import { COUNTER_OPTIONS } from "@meetuphype/counter";
import { DEDUP_OPTIONS } from "@meetuphype/dedup";
import { INGEST_OPTIONS } from "@meetuphype/ingest";
import { PRODUCER_OPTIONS } from "@meetuphype/producer";
import { BOARD_OPTIONS } from "@meetuphype/board";
import { OVERLAYS, podSpec, render, type K8sObject } from "./render.js";

const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

/** What each service reads, by the command its container runs. */
const READS: Record<string, Set<string>> = Object.fromEntries(
  Object.entries({
    produce: PRODUCER_OPTIONS,
    ingest: INGEST_OPTIONS,
    dedup: DEDUP_OPTIONS,
    counter: COUNTER_OPTIONS,
    aggregator: AGGREGATOR_OPTIONS,
    board: BOARD_OPTIONS,
  }).map(([cmd, specs]) => [cmd, new Set(specs.flatMap((s) => (s.env === undefined ? [] : [s.env])))]),
);
/** What a service cannot run without in a cluster (its defaults point at localhost). */
const REQUIRED: Record<string, string[]> = {
  produce: ["KAFKA_BROKERS"],
  ingest: ["KAFKA_BROKERS", "NATS_URL"],
  dedup: ["NATS_URL"],
  counter: ["NATS_URL"],
  aggregator: ["NATS_URL"],
  board: ["TRENDING_ADDR"],
};

const ours = (objs: K8sObject[]): K8sObject[] =>
  objs.filter((o) => o.kind === "Deployment" && o.metadata.labels?.["app.kubernetes.io/part-of"] === "meetuphype");

describe.each(OVERLAYS)("overlay %s", (overlay) => {
  const objs = render(overlay);

  it("validates every object against the Kubernetes schema", () => {
    expect(objs.length).toBeGreaterThan(5);
    for (const o of objs) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `no schema model for ${o.apiVersion}/${o.kind}`).toBeDefined();
      expect(() => new Model!(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it("has a Deployment per service, hardened, probed, with resources and app.kubernetes.io labels", () => {
    const deps = ours(objs);
    // The synthetic producer only where fake RSVPs are wanted: never beside a real topic (external), nor in the e2e check.
    const services = ["aggregator", "board", "counter", "dedup", "ingest", ...(overlay === "dev" ? ["producer"] : [])];
    expect(deps.map((d) => d.metadata.name).sort()).toEqual(services);
    for (const d of deps) {
      const pod = podSpec(d);
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
        expect(c.readinessProbe, d.metadata.name).toBeDefined();
        expect(c.livenessProbe, d.metadata.name).toBeDefined();
        expect(c.resources?.requests?.cpu).toBeDefined();
        expect(c.resources?.limits?.memory).toBeDefined();
      }
      expect(d.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "meetuphype", "app.kubernetes.io/component": d.metadata.name });
    }
    const agg = podSpec(deps.find((d) => d.metadata.name === "aggregator")!).containers[0]!;
    // Over TLS (components/grpc-tls) the kubelet's plaintext gRPC probe cannot ask: the health port answers.
    expect(agg.readinessProbe).toHaveProperty(overlay === "secure" ? "httpGet" : "grpc");
    expect(
      objs
        .filter((o) => o.kind === "PodDisruptionBudget")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["counter", "dedup"]);
    expect(objs.some((o) => o.kind === "Service" && o.metadata.name === "aggregator")).toBe(true);
  });

  it("sets only environment variables the services read, and every one they need", () => {
    const config = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "meetuphype-config");
    const shared = Object.keys(config?.data ?? {});
    const readByAny = new Set(Object.values(READS).flatMap((s) => [...s]));
    expect(shared.filter((k) => !readByAny.has(k))).toEqual([]);
    for (const d of ours(objs)) {
      for (const c of podSpec(d).containers) {
        const cmd = c.args?.[0] ?? "";
        const reads = READS[cmd];
        expect(reads, `${d.metadata.name} runs an unknown command ${cmd}`).toBeDefined();
        const own = (c.env ?? []).map((e) => e.name);
        expect(
          own.filter((n) => !reads!.has(n)),
          `${d.metadata.name}`,
        ).toEqual([]);
        const fromConfig = (c.envFrom ?? []).some((e) => e.configMapRef?.name === "meetuphype-config") ? shared : [];
        const set = new Set([...own, ...fromConfig]);
        expect(
          REQUIRED[cmd]!.filter((n) => !set.has(n)),
          `${d.metadata.name}`,
        ).toEqual([]);
      }
    }
  });
});

describe("overlay dev", () => {
  it("runs Kafka 3.9 (KRaft) and NATS with JetStream as StatefulSets with volumes, and creates the topics", () => {
    const objs = render("dev");
    const sets = objs.filter((o) => o.kind === "StatefulSet");
    expect(sets.map((s) => s.metadata.name).sort()).toEqual(["kafka", "nats"]);
    for (const s of sets) expect((s.spec?.volumeClaimTemplates as unknown[]).length).toBe(1);
    expect(podSpec(sets.find((s) => s.metadata.name === "kafka")!).containers[0]?.image).toMatch(/^apache\/kafka:3\.9/);
    expect(podSpec(sets.find((s) => s.metadata.name === "nats")!).containers[0]?.image).toMatch(/^nats:2\./);
    expect(objs.some((o) => o.kind === "Job")).toBe(true);
  });
});
