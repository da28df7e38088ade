// Benchmark of the distributed pipeline on local servers (started here on free
// ports): throughput on a 1-million-record backlog against a bare kafkajs
// consumer reading the same topic, WatchTrending latency at a steady 2,000
// records/s, and each service's peak memory. Prints figures; asserts nothing.
import { join } from "node:path";
import { mkdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { createRequire } from "node:module";
import { cpuSeconds, startTracked } from "./procs.mjs";

const require = createRequire(import.meta.url);
const { Kafka, logLevel, Partitioners } = require("kafkajs");

const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function bareConsume(brokers, topic, expected) {
  const kafka = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bare-${Date.now()}`, maxBytesPerPartition: 8 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  let first = 0;
  const done = new Promise((resolve) => {
    consumer.run({
      eachBatch: async ({ batch }) => {
        if (first === 0) first = performance.now();
        n += batch.messages.length;
        if (n >= expected) resolve();
      },
    });
  });
  const started = performance.now();
  await done;
  const ms = performance.now() - started;
  await consumer.disconnect();
  return { ms, n };
}

/** The bytes and messages each JetStream stream holds (what went through nats-server's file store). */
async function streamSizes(natsUrl, names) {
  const { connect } = require("nats");
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const out = [];
    for (const name of names) {
      const { state } = await jsm.streams.info(name);
      out.push({ name, bytes: state.bytes, messages: state.messages });
    }
    return out;
  } finally {
    await nc.close();
  }
}

export async function benchDistributed({ root, cli, records, file }) {
  // The aggregator's emit interval (BENCH_EMIT_MS): a ranking waits for the next round, so it bounds the latency.
  const emitMs = Number(process.env.BENCH_EMIT_MS ?? 100);
  const grpc = await import(join(root, "shared/grpc/dist/index.js"));
  const infra = await import(join(root, "shared/infra/dist/index.js"));
  const dir = join(root, ".bench", "infra");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log("starting local Kafka and NATS ...");
  const servers = await infra.startLocalInfra({
    dir,
    libDir: join(root, ".infra", "kafka-lib"),
    pom: join(root, "infra/kafka/pom.xml"),
    log: (l) => console.log(l),
  });
  const rows = [];
  const services = [];
  try {
    const prefix = `bench${Date.now() % 100000}`;
    // TOP_N 500 ranks every synthetic topic, so that a latency probe always enters the ranking.
    const env = {
      KAFKA_BROKERS: servers.kafkaBrokers,
      NATS_URL: servers.natsUrl,
      NAME_PREFIX: prefix,
      KAFKA_TOPIC: prefix,
      // BENCH_LOG_LEVEL (default warn): the services' log level, with BENCH_LOG_DIR to keep their logs.
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
      HEALTH_PORT: "0",
      TOP_N: "500",
    };

    console.log(`producing the backlog of ${records} records ...`);
    const t0 = performance.now();
    execFileSync(process.execPath, [cli, "produce", "--input", file, "--no-progress"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const produceMs = performance.now() - t0;

    console.log("bare kafkajs consumer over the same topic ...");
    const bare = await bareConsume(servers.kafkaBrokers, prefix, records);

    console.log("expected ranking (embedded run --once) ...");
    const expected = JSON.parse(
      execFileSync(process.execPath, [cli, "run", "--input", file, "--once", "--json", "--no-progress", "--top-n", "500"], {
        maxBuffer: 1 << 26,
      }).toString(),
    );

    const grpcPort = await infra.freePort();
    const brokersBefore = { kafka: cpuSeconds(servers.pids.kafka), nats: cpuSeconds(servers.pids.nats) };
    // BENCH_CPU_PROF=<dir>: each service writes a V8 CPU profile there when it stops (node --cpu-prof).
    const profDir = process.env.BENCH_CPU_PROF;
    // BENCH_NODE_FLAGS: more node flags for each service (for example --trace-gc, with BENCH_LOG_DIR).
    const extra = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter((f) => f !== "");
    // The services run with their Node options, as in the image (services/cli/src/node-options.ts);
    // BENCH_SERVICE_NODE_OPTIONS replaces them (empty: V8's defaults, to compare).
    const { serviceNodeOptions } = await import(join(root, "services/cli/dist/node-options.js"));
    const nodeOptions = process.env.BENCH_SERVICE_NODE_OPTIONS ?? serviceNodeOptions(process.env.NODE_OPTIONS);
    const serviceEnv = { ...env, NODE_OPTIONS: nodeOptions };
    const node = (name) => [
      ...extra,
      ...(profDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", profDir, "--cpu-prof-name", `${name}.cpuprofile`]),
    ];
    console.log(`distributed pipeline over the backlog ...${profDir === undefined ? "" : ` (profiles into ${profDir})`}`);
    const started = performance.now();
    services.push(
      startTracked(
        "aggregator",
        process.execPath,
        [
          ...node("aggregator"),
          cli,
          "aggregator",
          "--grpc-port",
          String(grpcPort),
          "--console=false",
          "--emit-interval-ms",
          String(emitMs),
        ],
        serviceEnv,
      ),
    );
    for (const kind of ["counter", "dedup", "ingest"])
      services.push(startTracked(kind, process.execPath, [...node(kind), cli, kind], serviceEnv));
    const client = grpc.trendingClient(`127.0.0.1:${grpcPort}`);
    const want = expected.topics.map((t) => `${t.key}:${t.score}`).join(",");
    for (;;) {
      const s = await grpc.getTrending(client, 0).catch(() => undefined);
      if (s && s.topics.map((t) => `${t.key}:${t.score}`).join(",") === want && s.asOfMs === expected.asOfMs) break;
      if (performance.now() - started > 30 * 60_000) throw new Error("the pipeline did not reach the expected ranking within 30 min");
      const gone = services.find((s) => s.child.exitCode !== null);
      if (gone !== undefined)
        throw new Error(`${gone.name} exited (code ${gone.child.exitCode}) before the exact ranking:\n${gone.stderr}`);
      await sleep(100);
    }
    const pipeMs = performance.now() - started;
    // CPU of each service over the backlog, process start-up included (about 0.3 s each).
    const cpu = services.map((s) => [s.name, s.cpuSeconds]);
    const brokers = [
      ["nats-server", cpuSeconds(servers.pids.nats) - brokersBefore.nats],
      ["Kafka broker", cpuSeconds(servers.pids.kafka) - brokersBefore.kafka],
    ];
    const streams = await streamSizes(servers.natsUrl, [`${prefix}_dedup`, `${prefix}_counter`]);
    const bareRate = bare.n / (bare.ms / 1000);
    const pipeRate = records / (pipeMs / 1000);
    rows.push([
      "produce backlog (file → Kafka)",
      `${Math.round(records / (produceMs / 1000)).toLocaleString("en")} records/s`,
      `${(produceMs / 1000).toFixed(1)} s`,
    ]);
    rows.push(["bare kafkajs consumer", `${Math.round(bareRate).toLocaleString("en")} records/s`, `${(bare.ms / 1000).toFixed(1)} s`]);
    rows.push([
      "distributed pipeline (1 of each)",
      `${Math.round(pipeRate).toLocaleString("en")} records/s`,
      `${(pipeMs / 1000).toFixed(1)} s, from process start to the exact ranking`,
    ]);
    rows.push(["ratio (pipeline / bare)", (pipeRate / bareRate).toFixed(2), ""]);
    rows.push(["services' NODE_OPTIONS", nodeOptions === "" ? "(none)" : nodeOptions, ""]);
    for (const [name, secs] of cpu)
      rows.push([`CPU ${name}`, `${((secs * 1e6) / records).toFixed(1)} µs/record`, `${secs.toFixed(1)} CPU-s, start-up included`]);
    const total = cpu.reduce((a, [, secs]) => a + secs, 0);
    rows.push(["CPU of the four services", `${((total * 1e6) / records).toFixed(1)} µs/record`, `${total.toFixed(1)} CPU-s`]);
    for (const [name, secs] of brokers)
      rows.push([`CPU ${name} meanwhile`, `${((secs * 1e6) / records).toFixed(1)} µs/record`, `${secs.toFixed(1)} CPU-s`]);
    for (const { name, bytes, messages } of streams)
      rows.push([
        `NATS stream ${name.slice(prefix.length + 1)}`,
        `${(bytes / records).toFixed(1)} B/record`,
        `${(bytes / 1e6).toFixed(1)} MB in ${messages.toLocaleString("en")} messages`,
      ]);

    // BENCH_PROBES probes (default 200), one every 150 ms: enough that the p99 is not simply the slowest one.
    // BENCH_PROBES=0 leaves the latency phase out (a CPU profile of the backlog alone).
    const probes = Number(process.env.BENCH_PROBES ?? 200);
    if (probes === 0) return rows;
    console.log("latency at a steady 2,000 records/s ...");
    const live = startTracked("producer", process.execPath, [cli, "produce", "--rate", "2000", "--seed", "3"], env);
    services.push(live);
    await sleep(5000);
    const kafka = new Kafka({ brokers: [servers.kafkaBrokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const appended = new Map();
    const latencies = [];
    const watch = grpc.watchTrending(client, 0, (s) => {
      const now = performance.now();
      for (const t of s.topics) {
        const at = appended.get(t.key);
        if (at !== undefined) {
          latencies.push(now - at);
          appended.delete(t.key);
        }
      }
    });
    for (let i = 0; i < probes; i++) {
      if (i % 50 === 0) console.log(`  probe ${i} of ${probes}, ${latencies.length} seen`);
      const key = `probe-${i}`;
      const line = JSON.stringify({
        rsvp_id: 9_000_000_000 + i,
        mtime: Date.now(),
        response: "yes",
        guests: 1000,
        group: { group_topics: [{ urlkey: key, topic_name: key }] },
      });
      // From the moment the append starts: its acknowledgement is part of the latency.
      appended.set(key, performance.now());
      await producer.send({ topic: prefix, messages: [{ key: String(9_000_000_000 + i), value: line }] });
      await sleep(150);
    }
    await sleep(3000);
    watch.cancel();
    await producer.disconnect();
    client.close();
    rows.push([
      "append → WatchTrending (2,000/s)",
      `p50 ${pct(latencies, 50).toFixed(0)} ms, p90 ${pct(latencies, 90).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
      `${latencies.length} of ${probes} probes seen; emit interval ${emitMs} ms`,
    ]);
  } finally {
    // The producer first, so that the others stop under their normal load.
    const order = [...services.filter((s) => s.name === "producer"), ...services.filter((s) => s.name !== "producer")];
    const stopMs = new Map();
    for (const s of order) stopMs.set(s.name, await s.stop());
    for (const s of services)
      rows.push([
        `peak RSS ${s.name}`,
        `${s.peakMiB.toFixed(0)} MiB`,
        `SIGTERM to exit ${((stopMs.get(s.name) ?? 0) / 1000).toFixed(1)} s`,
      ]);
    await servers.stop();
  }
  return rows;
}
