// `npm run k8s:e2e`: MeetUp Hype on the local single-node cluster, as a user runs it.
// Deploys deploy/overlays/e2e with `skaffold run` (buildah builds the image), streams the
// ranking with grpcurl through `kubectl port-forward`, feeds a known input with
// `meetuphype produce` from a pod, and meanwhile scales the counters to 4 and back to 1,
// deletes a dedup pod and restarts the aggregator; then the served ranking must equal
// `meetuphype run --once` on the same input, and so must the board, scaled to 2 replicas.
// Prints each step's result and time.
// Env: E2E_RECORDS (20000), E2E_RATE (400 records/s), E2E_KEEP=1 keeps the namespace.
// E2E_HA=1 deploys deploy/overlays/e2e-ha instead (3 NATS servers, 3 Kafka KRaft nodes, three
// copies of everything) and, while records flow, deletes a NATS pod and then a Kafka pod
// (each StatefulSet must be whole again) instead of scaling the services.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cache = process.env.MEETUPHYPE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "meetuphype");
const kubeconfig = join(cache, "cluster", "admin.kubeconfig");
const skaffold = join(cache, "k8s", "bin", "skaffold-v2.16.1");
const records = Number(process.env.E2E_RECORDS ?? 20000);
const rate = Number(process.env.E2E_RATE ?? 400);
const ha = process.env.E2E_HA === "1";
const profile = ha ? "e2e-ha" : "e2e";
const ns = `mh-${profile}-${Date.now().toString(36)}`;
const env = { ...process.env, KUBECONFIG: kubeconfig };
const t0 = Date.now();
const results = [];

const sh = (cmd, args, o = {}) => execFileSync(cmd, args, { encoding: "utf8", env, stdio: ["pipe", "pipe", "pipe"], ...o });
const kc = (...args) => sh("kubectl", ["-n", ns, ...args]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function step(name, fn) {
  const start = Date.now();
  process.stdout.write(`… ${name}\n`);
  try {
    const detail = await fn();
    results.push({ name, ok: true, ms: Date.now() - start, detail });
    console.log(`✓ ${name} (${secs(Date.now() - start)})${detail ? `: ${detail}` : ""}`);
  } catch (err) {
    const msg = (err?.stderr?.toString?.() || err?.message || String(err)).trim().split("\n").slice(-6).join("\n  ");
    results.push({ name, ok: false, ms: Date.now() - start, detail: msg });
    console.log(`✗ ${name} (${secs(Date.now() - start)}): ${msg}`);
    throw err;
  }
}

/** Polls `probe` until it returns `{ done: detail }`; a string it returns is the reason to wait. */
async function until(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await probe().catch((e) => String(e?.message ?? e));
    if (typeof r !== "string") return r.done;
    last = r;
    await sleep(1000);
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s: ${last}`);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

let forward;
async function portForward() {
  forward?.kill();
  const port = await freePort();
  forward = spawn("kubectl", ["-n", ns, "port-forward", "svc/aggregator", `${port}:50051`], { env, stdio: "ignore" });
  const { trendingClient, getTrending } = await import(join(root, "shared/grpc/dist/index.js"));
  const client = trendingClient(`127.0.0.1:${port}`);
  return { port, get: () => getTrending(client, 0, 5000), close: () => client.close() };
}

function differences(served, model) {
  const out = [];
  if (served.asOfMs !== model.asOfMs) out.push(`asOfMs ${served.asOfMs} vs ${model.asOfMs}`);
  if (served.topics.length !== model.topics.length) out.push(`${served.topics.length} topics vs ${model.topics.length}`);
  model.topics.forEach((m, i) => {
    const s = served.topics[i];
    if (s === undefined || s.key !== m.key || s.name !== m.name) out.push(`#${i + 1} ${s?.key} vs ${m.key}`);
    else if (Math.abs(s.score - m.score) > 1e-9 * Math.max(1, Math.abs(m.score))) out.push(`#${i + 1} score ${s.score} vs ${m.score}`);
  });
  return out;
}

const work = mkdtempSync(join(tmpdir(), "meetuphype-e2e-"));
const input = join(work, "input.jsonl");
let ok = false;
try {
  await step("cluster up (npm run k8s:up, idempotent)", () => {
    sh("bash", [join(root, "scripts/k8s/up.sh")], { stdio: ["ignore", "ignore", "pipe"] });
    return sh("kubectl", ["get", "nodes", "--no-headers"]).trim().replace(/\s+/g, " ");
  });
  await step("base images in the local registry (node, apache/kafka, nats)", () => {
    sh("bash", [join(root, "scripts/k8s/images.sh")], { stdio: ["ignore", "ignore", "pipe"] });
  });
  await step("Skaffold", () => {
    sh("bash", [join(root, "scripts/k8s/skaffold.sh")], { stdio: ["ignore", "ignore", "pipe"] });
    return sh(skaffold, ["version"]).trim();
  });
  await step(`namespace ${ns}; free volumes`, () => {
    sh("bash", [join(root, "scripts/k8s/volumes.sh"), "reset"]);
    sh("kubectl", ["create", "namespace", ns]);
  });
  await step(`skaffold run -p ${profile} (buildah builds and pushes the image, kubectl deploys, status check)`, () => {
    sh(
      skaffold,
      ["run", "-p", profile, "--default-repo", `127.0.0.1:5000`, "-n", ns, "--tag", ns, "--update-check=false", "--status-check=true"],
      {
        cwd: root,
        timeout: 900_000,
      },
    );
    return kc("get", "pods", "--no-headers")
      .trim()
      .split("\n")
      .map((l) => l.split(/\s+/).slice(0, 3).join(" "))
      .join("; ");
  });
  let pf = await portForward();
  await step("grpcurl WatchTrending through kubectl port-forward", async () =>
    until(
      "a snapshot from grpcurl",
      async () => {
        let out = "";
        try {
          out = sh("grpcurl", [
            "-plaintext",
            "-max-time",
            "4",
            "-d",
            '{"limit": 3}',
            `127.0.0.1:${pf.port}`,
            "meetuphype.v1.TrendingService/WatchTrending",
          ]);
        } catch (e) {
          out = e.stdout ?? "";
          // -max-time ends the stream: what arrived before it is on stdout.
          if (!out.includes('"parameters"')) return String(e.stderr ?? e.message).trim();
        }
        // Every snapshot carries its parameters (an empty ranking at time 0 has nothing else: proto3 JSON omits defaults).
        return out.includes('"parameters"') ? { done: `a snapshot arrived: ${out.replace(/\s+/g, " ").slice(0, 100)}` } : "no snapshot yet";
      },
      120_000,
    ),
  );
  await step(`input: ${records} synthetic records (meetuphype generate), the model (meetuphype run --once)`, () => {
    sh("node", [
      join(root, "services/cli/bin/meetuphype.js"),
      "generate",
      "--count",
      String(records),
      "--seed",
      "12",
      "--rate",
      String(rate),
      "-o",
      input,
    ]);
    const model = JSON.parse(sh("node", [join(root, "services/cli/bin/meetuphype.js"), "run", "--once", "--json", "--input", input]));
    writeFileSync(join(work, "model.json"), JSON.stringify(model));
    return `top: ${model.topics
      .slice(0, 3)
      .map((t) => t.key)
      .join(", ")}`;
  });
  const model = JSON.parse(readFileSync(join(work, "model.json"), "utf8"));
  const image = kc("get", "deployment/ingest", "-o", "jsonpath={.spec.template.spec.containers[0].image}");
  const feeding = new Promise((resolve, reject) => {
    const p = spawn(
      "kubectl",
      [
        "-n",
        ns,
        "run",
        "feed",
        "-i",
        "--restart=Never",
        `--image=${image}`,
        "--env=KAFKA_BROKERS=kafka:9092",
        "--env=KAFKA_TOPIC=meetup",
        "--",
        "produce",
        "--input",
        "-",
        "--speedup",
        "1",
        "--no-progress",
        "--health-port",
        "0",
      ],
      { env, stdio: ["pipe", "ignore", "pipe"] },
    );
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.stdin.end(readFileSync(input));
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the feed pod exited ${code}: ${err.slice(-500)}`))));
  });
  const feedStart = Date.now();
  await step(
    "feeding with meetuphype produce (a pod, paced) while the next steps run",
    () => `${rate} records/s, about ${Math.round(records / rate)} s`,
  );
  const rollout = (d) => kc("rollout", "status", `deployment/${d}`, "--timeout=180s");
  if (ha) {
    // One broker pod of each kind away while records flow: the other two keep the quorum and every copy.
    const replaced = (set, pod) => {
      const before = kc("get", "pod", pod, "-o", "jsonpath={.metadata.uid}");
      kc("delete", "pod", pod, "--wait=true");
      kc("rollout", "status", `statefulset/${set}`, "--timeout=300s");
      const after = kc("get", "pod", pod, "-o", "jsonpath={.metadata.uid}");
      if (after === before) throw new Error(`${pod} was not replaced`);
      return `${pod} replaced, ${set} whole again`;
    };
    await step("kubectl delete pod nats-1 (a JetStream peer)", () => replaced("nats", "nats-1"));
    await step("kubectl delete pod kafka-1 (a KRaft controller and broker)", () => replaced("kafka", "kafka-1"));
  } else {
    await step("kubectl scale deployment/counter --replicas=4", () => {
      kc("scale", "deployment/counter", "--replicas=4");
      rollout("counter");
    });
    await step("kubectl delete pod of a dedup", () => {
      const pod = kc("get", "pods", "-l", "app.kubernetes.io/component=dedup", "-o", "jsonpath={.items[0].metadata.name}");
      kc("delete", "pod", pod, "--wait=true");
      rollout("dedup");
      return pod;
    });
    await step("kubectl scale deployment/counter --replicas=1", () => {
      kc("scale", "deployment/counter", "--replicas=1");
      rollout("counter");
    });
    await step("kubectl rollout restart deployment/aggregator", () => {
      kc("rollout", "restart", "deployment/aggregator");
      rollout("aggregator");
    });
  }
  await step("the feed finished", async () => {
    await feeding;
    return `after ${secs(Date.now() - feedStart)}`;
  });
  pf.close();
  pf = await portForward();
  await step("the served ranking equals meetuphype run --once on the same input", async () =>
    until(
      "GetTrending to equal the model",
      async () => {
        const served = await pf.get();
        const d = differences(served, model);
        return d.length === 0 ? { done: `${served.topics.length} topics, asOfMs ${served.asOfMs}` } : d.slice(0, 3).join("; ");
      },
      240_000,
    ),
  );
  pf.close();
  await step("kubectl scale deployment/board --replicas=2; both ready (they follow the aggregator)", () => {
    kc("scale", "deployment/board", "--replicas=2");
    rollout("board");
    return kc("get", "deployment/board", "-o", "jsonpath={.status.readyReplicas} ready");
  });
  await step("the board (port-forward :8088): /api/trending = the model, /api/history, the page and its CSP", async () => {
    forward?.kill();
    const port = await freePort();
    forward = spawn("kubectl", ["-n", ns, "port-forward", "svc/board", `${port}:8088`], { env, stdio: "ignore" });
    const at = (path) => fetch(`http://127.0.0.1:${port}${path}`);
    const done = await until(
      "the board's ranking to equal the model",
      async () => {
        const res = await at("/api/trending").catch((e) => String(e));
        if (typeof res === "string") return res;
        const served = await res.json();
        const d = differences(served, model);
        return d.length === 0 ? { done: `${served.topics.length} topics` } : d.slice(0, 3).join("; ");
      },
      120_000,
    );
    const history = await (await at("/api/history")).json();
    const page = await at("/");
    if (!page.ok || !/script-src 'self'/.test(page.headers.get("content-security-policy") ?? ""))
      throw new Error("the page or its CSP is missing");
    return `${done}; ${history.points.length} history points`;
  });
  ok = true;
} catch {
  // reported by step()
} finally {
  forward?.kill();
  console.log(`\n${ok ? "PASSED" : "FAILED"} in ${secs(Date.now() - t0)}: ${results.filter((r) => r.ok).length}/${results.length} steps`);
  for (const r of results) console.log(`  ${r.ok ? "✓" : "✗"} ${secs(r.ms).padStart(8)}  ${r.name}`);
  if (process.env.E2E_KEEP === "1") console.log(`namespace ${ns} kept (KUBECONFIG=${kubeconfig})`);
  else {
    try {
      sh("kubectl", ["delete", "namespace", ns, "--wait=false"]);
    } catch {
      // the cluster may be down
    }
  }
  process.exitCode = ok ? 0 : 1;
}
