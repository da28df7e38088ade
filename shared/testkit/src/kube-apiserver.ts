/**
 * A real Kubernetes API server for the deploy tests: etcd (Debian's etcd-server)
 * and kube-apiserver built by scripts/k8s/binaries.sh, on free ports, with a
 * token for kubectl. No nodes: objects are stored and validated, not run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "@meetuphype/infra";

export const K8S_VERSION = "v1.31.4";

/** Where scripts/k8s/binaries.sh caches the binaries (MEETUPHYPE_CACHE, or ~/.cache/meetuphype). */
export function k8sBinDir(): string {
  const cache = process.env.MEETUPHYPE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "meetuphype");
  return join(cache, "k8s", "bin", K8S_VERSION);
}

const onPath = (name: string): string | undefined =>
  (process.env.PATH ?? "")
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((p) => existsSync(p));

/**
 * The binaries, or why they are missing. CI builds them and sets REQUIRE_K8S=1, so that
 * the tests using them cannot be skipped there.
 */
export function findApiServer(): { apiserver: string; etcd: string } | string {
  const apiserver = join(k8sBinDir(), "kube-apiserver");
  const etcd = onPath("etcd");
  const missing = [
    ...(existsSync(apiserver) ? [] : [`${apiserver} (build it: bash scripts/k8s/binaries.sh kube-apiserver)`]),
    ...(etcd !== undefined ? [] : ["etcd (apt-get install etcd-server)"]),
    ...(onPath("kubectl") !== undefined ? [] : ["kubectl"]),
  ];
  if (missing.length === 0 && etcd !== undefined) return { apiserver, etcd };
  const why = `missing: ${missing.join("; ")}`;
  if (process.env.REQUIRE_K8S === "1") throw new Error(`the Kubernetes API server is required (REQUIRE_K8S=1), ${why}`);
  return why;
}

export interface ApiServer {
  readonly kubeconfig: string;
  /** kubectl against this server; resolves with its output, rejects with its stderr. */
  kubectl(args: readonly string[], stdin?: string): { code: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    c.once("exit", () => resolve());
    c.kill("SIGTERM");
    setTimeout(() => c.kill("SIGKILL"), 5000).unref();
  });
}

export async function startApiServer(bins: { apiserver: string; etcd: string }): Promise<ApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "meetuphype-apiserver-"));
  const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  const token = randomBytes(16).toString("hex");
  writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);
  const log = (name: string): NodeJS.WritableStream => createWriteStream(join(dir, `${name}.log`));
  const etcd = spawn(
    bins.etcd,
    [
      "--data-dir",
      join(dir, "etcd"),
      "--listen-client-urls",
      `http://127.0.0.1:${client}`,
      "--advertise-client-urls",
      `http://127.0.0.1:${client}`,
      "--listen-peer-urls",
      `http://127.0.0.1:${peer}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  etcd.stdout?.pipe(log("etcd"));
  etcd.stderr?.pipe(log("etcd-err"));
  const api = spawn(
    bins.apiserver,
    [
      `--etcd-servers=http://127.0.0.1:${client}`,
      `--secure-port=${secure}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=10.0.0.1",
      `--cert-dir=${join(dir, "certs")}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      "--service-cluster-ip-range=10.96.0.0/16",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  api.stdout?.pipe(log("apiserver"));
  api.stderr?.pipe(log("apiserver-err"));
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: test, cluster: {server: 'https://127.0.0.1:" + secure + "', insecure-skip-tls-verify: true}}]",
      `users: [{name: admin, user: {token: '${token}'}}]`,
      "contexts: [{name: test, context: {cluster: test, user: admin, namespace: default}}]",
      "current-context: test",
      "",
    ].join("\n"),
  );
  const kubectl = (args: readonly string[], stdin?: string): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, ...args], { input: stdin ?? "", encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const stop = async (keep = false): Promise<void> => {
    await stopChild(api);
    await stopChild(etcd);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    if (api.exitCode !== null) break;
    const r = kubectl(["get", "--raw", "/readyz"]);
    if (r.code === 0) return { kubeconfig, kubectl, stop: () => stop() };
    last = r.stderr.trim();
    await new Promise((res) => setTimeout(res, 500));
  }
  const why = api.exitCode !== null ? `kube-apiserver exited with ${api.exitCode}` : `not ready within 60 s: ${last}`;
  await stop(true).catch(() => undefined);
  throw new Error(`the Kubernetes API server did not start: ${why} (its log: ${join(dir, "apiserver-err.log")})`);
}
