/**
 * The secure example overlay: logins and CAs come from Secrets (never rendered from the
 * repository), mounted group-readable only; Kafka's login reaches ingest alone; and the
 * NetworkPolicies let each service reach exactly what it needs, by port.
 */
import { describe, expect, it } from "vitest";
import { podSpec, render, type K8sObject } from "./render.js";

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values: string[] }[];
}
interface Port {
  protocol: string;
  port: number;
  endPort?: number;
}
interface Policy {
  podSelector: Selector;
  policyTypes: string[];
  ingress?: { ports?: Port[] }[];
  egress?: { ports?: Port[] }[];
}

const selects = (s: Selector, labels: Record<string, string>): boolean =>
  Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (s.matchExpressions ?? []).every((e) => e.operator === "In" && e.values.includes(labels[e.key] ?? ""));

const describePorts = (p: Port): string => `${p.protocol}/${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ""}`;

/** What a pod with these labels may send to and receive on: the union of the policies that select it. */
function allowed(objs: K8sObject[], labels: Record<string, string>): { egress: string[]; ingress: string[]; isolated: string[] } {
  const policies = objs.filter((o) => o.kind === "NetworkPolicy").map((o) => o.spec as unknown as Policy);
  const mine = policies.filter((p) => selects(p.podSelector, labels));
  const ports = (rules: { ports?: Port[] }[] | undefined): string[] =>
    (rules ?? []).flatMap((r) => {
      expect(r.ports, "a rule without ports would open every port").toBeDefined();
      return (r.ports ?? []).map(describePorts);
    });
  return {
    egress: [...new Set(mine.flatMap((p) => ports(p.egress)))].sort(),
    ingress: [...new Set(mine.flatMap((p) => ports(p.ingress)))].sort(),
    isolated: [...new Set(mine.flatMap((p) => p.policyTypes))].sort(),
  };
}

interface Volume {
  name: string;
  secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string }[] };
}
interface Pod {
  securityContext?: { fsGroup?: number };
  volumes?: Volume[];
  containers: { envFrom?: { secretRef?: { name: string } }[]; env?: { name: string; value?: string }[] }[];
}

describe("overlay secure", () => {
  const objs = render("secure");
  const deps = objs.filter((o) => o.kind === "Deployment");
  const pod = (name: string): Pod => podSpec(deps.find((d) => d.metadata.name === name)!) as unknown as Pod;

  it("renders no Secret: they are created in the cluster, never kept in the repository", () => {
    expect(objs.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("gives the NATS login and CA to every service and the Kafka login to ingest and the aggregator (end offsets)", () => {
    for (const name of ["ingest", "dedup", "counter", "aggregator"]) {
      const c = pod(name).containers[0]!;
      const secrets = (c.envFrom ?? []).flatMap((e) => (e.secretRef ? [e.secretRef.name] : [])).sort();
      const kafka = name === "ingest" || name === "aggregator";
      expect(secrets, name).toEqual(kafka ? ["meetuphype-kafka-login", "meetuphype-nats-login"] : ["meetuphype-nats-login"]);
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
      expect(env.NATS_TLS_CA, name).toBe("/etc/meetuphype/broker-tls/nats-ca.crt");
      expect(env.KAFKA_TLS, name).toBe(kafka ? "true" : undefined);
    }
    const board = pod("board");
    expect(board.containers[0]!.envFrom ?? []).toEqual([]);
    expect(board.volumes?.find((v) => v.name === "grpc-ca")?.secret).toEqual({
      secretName: "meetuphype-grpc-tls",
      defaultMode: 0o440,
      items: [{ key: "ca.crt", path: "ca.crt" }],
    });
    expect(pod("aggregator").containers[0]!.env).toEqual(
      expect.arrayContaining([{ name: "GRPC_TLS_CERT", value: "/etc/meetuphype/grpc-tls/tls.crt" }]),
    );
  });

  it("mounts every Secret group-readable for the pod's fsGroup, never world-readable", () => {
    for (const d of deps) {
      const p = podSpec(d) as unknown as Pod;
      const secretVolumes = (p.volumes ?? []).filter((v) => v.secret !== undefined);
      expect(secretVolumes.length, d.metadata.name).toBeGreaterThan(0);
      expect(p.securityContext?.fsGroup, d.metadata.name).toBe(1000);
      for (const v of secretVolumes) expect(v.secret?.defaultMode, `${d.metadata.name} ${v.name}`).toBe(0o440);
    }
  });

  it("lets each service reach only what it needs", () => {
    const of = (component: string) => allowed(objs, { "app.kubernetes.io/name": "meetuphype", "app.kubernetes.io/component": component });
    const dns = ["TCP/53", "UDP/53"];
    expect(of("ingest")).toEqual({
      egress: ["TCP/4222", ...dns, "TCP/9092-9098"].sort(),
      ingress: ["TCP/8080"],
      isolated: ["Egress", "Ingress"],
    });
    for (const c of ["dedup", "counter"])
      expect(of(c)).toEqual({ egress: ["TCP/4222", ...dns].sort(), ingress: ["TCP/8080"], isolated: ["Egress", "Ingress"] });
    expect(of("aggregator")).toEqual({
      egress: ["TCP/4222", ...dns, "TCP/9092-9098"].sort(),
      ingress: ["TCP/50051", "TCP/8080"],
      isolated: ["Egress", "Ingress"],
    });
    // A pod of another application is not touched.
    expect(allowed(objs, { "app.kubernetes.io/name": "kafka" }).isolated).toEqual([]);
  });
});
