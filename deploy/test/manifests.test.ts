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
import type { OptionSpec } from "@meetuphype/config";
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
  Object.entries<readonly OptionSpec[]>({
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
    const services = ["aggregator", "board", "counter", "dedup", "ingest", ...(overlay === "dev" || overlay === "ha" ? ["producer"] : [])];
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
    ).toEqual(overlay.endsWith("ha") ? ["counter", "dedup", "kafka", "nats"] : ["counter", "dedup"]);
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

describe("overlay ha", () => {
  const objs = render("ha");
  const named = (kind: string, name: string): K8sObject => {
    const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
    if (o === undefined) throw new Error(`no ${kind} ${name}`);
    return o;
  };

  it("runs three NATS servers in one JetStream cluster, routed through a headless service, started together", () => {
    const nats = named("StatefulSet", "nats");
    expect(nats.spec).toMatchObject({ replicas: 3, podManagementPolicy: "Parallel", serviceName: "nats-cluster" });
    expect(named("Service", "nats-cluster").spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    const conf = String(named("ConfigMap", "nats-config").data?.["nats.conf"]);
    expect(conf).toMatch(/^server_name: \$POD_NAME$/m);
    for (const i of [0, 1, 2]) expect(conf).toContain(`nats://nats-${i}.nats-cluster:6222`);
    const env = podSpec(nats).containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "POD_NAME")?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.name");
  });

  it("runs three Kafka KRaft nodes, each with its own id and address from its pod, and topics with three copies", () => {
    const kafka = named("StatefulSet", "kafka");
    expect(kafka.spec).toMatchObject({ replicas: 3, podManagementPolicy: "Parallel", serviceName: "kafka" });
    expect(named("Service", "kafka").spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    const c = podSpec(kafka).containers[0]!;
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    // Set per pod by the start command, not once for all.
    expect(env).not.toHaveProperty("KAFKA_NODE_ID");
    expect(env).not.toHaveProperty("KAFKA_ADVERTISED_LISTENERS");
    expect(c.command?.join(" ")).toMatch(/KAFKA_NODE_ID="\$\(\(ordinal \+ 1\)\)"[\s\S]*exec \/etc\/kafka\/docker\/run/);
    expect(env).toMatchObject({
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@kafka-0.kafka:9093,2@kafka-1.kafka:9093,3@kafka-2.kafka:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3",
      KAFKA_DEFAULT_REPLICATION_FACTOR: "3",
      KAFKA_MIN_INSYNC_REPLICAS: "2",
    });
    expect(env.CLUSTER_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const topics = podSpec(named("Job", "kafka-topics")).containers[0]?.command?.join(" ") ?? "";
    expect(topics).toContain("--replication-factor 3");
    expect(topics).toContain("min.insync.replicas=2");
  });

  it("lets one broker pod go at a time, spreads them where it can, and has the services keep three copies", () => {
    for (const name of ["nats", "kafka"]) {
      expect(named("PodDisruptionBudget", name).spec).toMatchObject({ maxUnavailable: 1 });
      const anti = podSpec(named("StatefulSet", name)).affinity?.podAntiAffinity;
      // Preferred, not required: a one-node cluster still schedules all three.
      expect(anti?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
      expect(anti?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
    }
    expect(named("ConfigMap", "meetuphype-config").data).toMatchObject({
      NATS_REPLICAS: "3",
      KAFKA_REPLICATION_FACTOR: "3",
      KAFKA_MIN_INSYNC_REPLICAS: "2",
    });
  });
});
