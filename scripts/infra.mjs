// `npm run infra:up` / `npm run infra:down` / `npm run -s infra:env`: a local Kafka (KRaft) and
// nats-server (JetStream) on loopback, data under .infra/ (ignored by git). INFRA_NODES=3 starts
// three of each, in one KRaft quorum and one JetStream cluster. Base ports: KAFKA_PORT (9092),
// KAFKA_CONTROLLER_PORT (9093), NATS_PORT (4222), NATS_CLUSTER_PORT (6222); node i adds 2(i-1)
// to the Kafka ports and i-1 to the NATS ones. .infra/state.json lists every server with its
// pid and port; `up` run again starts only the servers that are down.
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, ".infra");
const stateFile = join(dir, "state.json");
const infra = await import(join(root, "shared/infra/dist/index.js")).catch(() => {
  console.error("shared/infra is not built: run `npm ci` (or `npm run build`) first");
  process.exit(1);
});

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const fail = (message, code = 2) => {
  console.error(message);
  process.exit(code);
};
const port = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === "") return def;
  if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 65535) fail(`${name} must be a port number, got ${JSON.stringify(v)}`);
  return Number(v);
};
const nodeCount = () => {
  const v = process.env.INFRA_NODES ?? "1";
  if (v !== "1" && v !== "3") fail(`INFRA_NODES must be 1 or 3, got ${JSON.stringify(v)}`);
  return Number(v);
};

/** The state file; one written before it listed every node ({pids: {kafka, nats}}) is read as its nodes. */
function readState() {
  if (!existsSync(stateFile)) return undefined;
  const s = JSON.parse(readFileSync(stateFile, "utf8"));
  if (Array.isArray(s.nodes)) return s;
  const kafkaPort = Number(s.kafkaBrokers.split(":")[1]);
  const natsPort = Number(s.natsUrl.split(":")[2]);
  return {
    ...s,
    nodes: [
      { name: "kafka-1", kind: "kafka", pid: s.pids.kafka, port: kafkaPort },
      { name: "nats-1", kind: "nats", pid: s.pids.nats, port: natsPort },
    ],
  };
}

/** Whether a node of the state file runs: its process lives and its port answers. */
const running = async (n) => n !== undefined && alive(n.pid) && (await infra.tcpOpen("127.0.0.1", n.port));

async function up() {
  const count = nodeCount();
  const ports = infra.documentedPorts(count, {
    kafka: port("KAFKA_PORT", 9092),
    controller: port("KAFKA_CONTROLLER_PORT", 9093),
    nats: port("NATS_PORT", 4222),
    route: port("NATS_CLUSTER_PORT", 6222),
  });
  const wanted = infra.clusterNodes(dir, ports);
  const state = readState();
  const before = new Map((state?.nodes ?? []).map((n) => [n.name, n]));
  const up = new Set();
  for (const n of wanted) if (await running(before.get(n.name))) up.add(n.name);
  if (state !== undefined && state.nodes.length !== wanted.length && up.size > 0)
    fail(`a setup of ${state.nodes.length / 2} node(s) is running: stop it with \`npm run infra:down\` before starting one of ${count}`, 1);
  if (up.size === wanted.length) {
    console.log(`already running\nKAFKA_BROKERS=${state.kafkaBrokers}\nNATS_URL=${state.natsUrl}`);
    return;
  }
  // A port taken by another process would only show as a start-up timeout minutes later: say so now.
  for (const n of wanted) {
    if (up.has(n.name) || !(await infra.tcpOpen("127.0.0.1", n.port))) continue;
    const env = n.kind === "nats" ? "NATS_PORT" : "KAFKA_PORT";
    fail(`port ${n.port} (${n.name}) is already in use by another process: stop it, or move the base port with ${env}`, 1);
  }
  mkdirSync(dir, { recursive: true });
  const starting = wanted.filter((n) => !up.has(n.name)).map((n) => n.name);
  console.log(`starting ${starting.join(", ")} ...${up.size > 0 ? ` (${[...up].join(", ")} already running)` : ""}`);
  const logs = count === 1 ? ".infra/kafka and .infra/nats" : ".infra/kafka-N and .infra/nats-N";
  const started = await infra
    .startLocalCluster({
      dir,
      libDir: join(dir, "kafka-lib"),
      pom: join(root, "infra/kafka/pom.xml"),
      ports,
      running: (n) => up.has(n.name),
      detached: true,
      log: (l) => console.log(l),
    })
    .catch((err) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)} (see the logs in ${logs})`);
    });
  const nodes = wanted.map((n) => ({
    name: n.name,
    kind: n.kind,
    pid: started.processes.get(n.name)?.child.pid ?? before.get(n.name).pid,
    port: n.port,
    dir: n.dir,
  }));
  writeFileSync(stateFile, JSON.stringify({ kafkaBrokers: started.kafkaBrokers, natsUrl: started.natsUrl, nodes }, null, 2));
  console.log(`ready (logs in ${logs})\nKAFKA_BROKERS=${started.kafkaBrokers}\nNATS_URL=${started.natsUrl}`);
}

async function down(quiet = false) {
  const state = readState();
  if (!state) {
    if (!quiet) console.log("not running");
    return;
  }
  const pids = state.nodes.map((n) => n.pid);
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(stateFile);
  if (!quiet) console.log("stopped (data kept in .infra/; delete it for a clean start)");
}

/** `export` lines for the running setup, for `eval "$(npm run -s infra:env)"`. */
async function env() {
  const state = readState();
  if (state === undefined) fail("nothing is running: start it with `npm run infra:up` (INFRA_NODES=3 for three nodes)", 1);
  const down = [];
  for (const n of state.nodes) if (!(await running(n))) down.push(n.name);
  // Still printed with some nodes down (the others serve), but said on standard error.
  if (down.length > 0) console.error(`not running: ${down.join(", ")} (\`npm run infra:up\` starts them again)`);
  process.stdout.write(infra.envExports(state));
}

/** Fetches the Kafka jars and installs nats-server when missing, without starting anything (CI runs it first). */
function prepare() {
  infra.ensureKafkaJars(join(dir, "kafka-lib"), join(root, "infra/kafka/pom.xml"), (l) => console.log(l));
  const nats = infra.ensureNatsServer((l) => console.log(l));
  console.log(`Kafka jars in .infra/kafka-lib; nats-server at ${nats}`);
}

const cmd = process.argv[2];
try {
  if (cmd === "prepare") prepare();
  else if (cmd === "up") await up();
  else if (cmd === "down") await down();
  else if (cmd === "env") await env();
  else {
    console.error("usage: node scripts/infra.mjs prepare|up|down|env");
    process.exit(2);
  }
} catch (err) {
  console.error(`infra ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
