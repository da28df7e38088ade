/** Renders the kustomize overlays with kubectl, as a cluster would receive them. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "@meetuphype/testkit";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

export const OVERLAYS = ["dev", "external", "e2e", "secure", "ha", "e2e-ha"] as const;

export function render(overlay: string): K8sObject[] {
  const out = execFileSync("kubectl", ["kustomize", join(repoRoot, "deploy", "overlays", overlay)], { encoding: "utf8" });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
}

export interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: unknown[];
      preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: { topologyKey: string } }[];
    };
  };
  containers: Container[];
}

export const podSpec = (o: K8sObject): PodSpec => (o.spec?.template as { spec: PodSpec }).spec;
