// `npm run infra:up` / `npm run infra:down`: a local Kafka (KRaft, one node) and a
// nats-server with JetStream on loopback, data under .infra/ (ignored by git).
// Ports: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), NATS_PORT (4222).
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
const port = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === "") return def;
  if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    console.error(`${name} must be a port number, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return Number(v);
};
const readState = () => (existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, "utf8")) : undefined);

async function up() {
  const state = readState();
  if (state && alive(state.pids.kafka) && alive(state.pids.nats)) {
    const [k, n] = await Promise.all([
      infra.tcpOpen("127.0.0.1", Number(state.kafkaBrokers.split(":")[1])),
      infra.tcpOpen("127.0.0.1", Number(state.natsUrl.split(":")[2])),
    ]);
    if (k && n) {
      console.log(`already running\nKAFKA_BROKERS=${state.kafkaBrokers}\nNATS_URL=${state.natsUrl}`);
      return;
    }
  }
  if (state) await down(true);
  const ports = {
    KAFKA_PORT: port("KAFKA_PORT", 9092),
    KAFKA_CONTROLLER_PORT: port("KAFKA_CONTROLLER_PORT", 9093),
    NATS_PORT: port("NATS_PORT", 4222),
  };
  // A port taken by another process would only show as a start-up timeout minutes later: say so now.
  for (const [name, p] of Object.entries(ports)) {
    if (await infra.tcpOpen("127.0.0.1", p)) {
      const log = name === "NATS_PORT" ? ".infra/nats" : ".infra/kafka";
      console.error(
        `port ${p} (${name}) is already in use by another process: stop it, or set ${name} to a free port (the ${name.startsWith("NATS") ? "NATS" : "Kafka"} log would be in ${log})`,
      );
      process.exit(1);
    }
  }
  mkdirSync(dir, { recursive: true });
  console.log("starting Kafka (KRaft) and nats-server (JetStream) ...");
  const started = await infra
    .startLocalInfra({
      dir,
      libDir: join(dir, "kafka-lib"),
      pom: join(root, "infra/kafka/pom.xml"),
      kafkaPort: ports.KAFKA_PORT,
      kafkaControllerPort: ports.KAFKA_CONTROLLER_PORT,
      natsPort: ports.NATS_PORT,
      detached: true,
      log: (l) => console.log(l),
    })
    .catch((err) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)} (see the logs in .infra/kafka and .infra/nats)`);
    });
  writeFileSync(stateFile, JSON.stringify({ kafkaBrokers: started.kafkaBrokers, natsUrl: started.natsUrl, pids: started.pids }, null, 2));
  console.log(`ready (logs in .infra/kafka and .infra/nats)\nKAFKA_BROKERS=${started.kafkaBrokers}\nNATS_URL=${started.natsUrl}`);
}

async function down(quiet = false) {
  const state = readState();
  if (!state) {
    if (!quiet) console.log("not running");
    return;
  }
  for (const pid of [state.pids.kafka, state.pids.nats]) if (alive(pid)) process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 15_000;
  while ([state.pids.kafka, state.pids.nats].some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const pid of [state.pids.kafka, state.pids.nats]) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(stateFile);
  if (!quiet) console.log("stopped (data kept in .infra/; delete it for a clean start)");
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
  else {
    console.error("usage: node scripts/infra.mjs prepare|up|down");
    process.exit(2);
  }
} catch (err) {
  console.error(`infra ${cmd}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
